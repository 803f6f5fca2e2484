import type { FullConfig } from "@playwright/test";
import { startServer } from "./server";

/** One server for the suite; every test makes its own projects, so tests run in parallel against it. */
export default async function globalSetup(_config: FullConfig) {
  const server = await startServer(["--InfraGrpc:Simulated:Latency=00:00:00.250"]);
  process.env.CONSOLE_URL = server.http;
  return async () => {
    await server.stop();
  };
}
