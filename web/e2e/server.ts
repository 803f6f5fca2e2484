// Starts a real InfraGrpc server (the built Release dll) on loopback ports chosen by the OS, with its
// own data directory, and reads the bound addresses from its start-up line.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const serverDll = process.env.INFRAGRPC_SERVER_DLL ?? resolve(here, "../../src/InfraGrpc.Server/bin/Release/net10.0/InfraGrpc.Server.dll");

export interface RunningServer {
  http: string;
  grpc: string;
  data: string;
  process: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

export async function startServer(extraArgs: string[] = [], data = mkdtempSync(join(tmpdir(), "infragrpc-e2e-"))): Promise<RunningServer> {
  const child = spawn(
    "dotnet",
    [serverDll, "--InfraGrpc:GrpcUrl=http://127.0.0.1:0", "--InfraGrpc:HttpUrl=http://127.0.0.1:0", `--InfraGrpc:DataDirectory=${data}`, "--Logging:Console:FormatterName=simple", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const addresses = await new Promise<{ grpc: string; http: string }>((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /gRPC on (http:\/\/[0-9.:]+)\/?, HTTP\/1\.1 on (http:\/\/[0-9.:]+)\/?/.exec(output);
      if (m) ok({ grpc: m[1], http: m[2] });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => fail(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  return {
    ...addresses,
    data,
    process: child,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}
