// InfraGrpc client for TypeScript on Node: the generated services over connect-node's gRPC transport
// (HTTP/2; connect-node 2.x has no httpVersion option on the gRPC transport), plus a watch helper.
import { readFileSync } from "node:fs";
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { InfraChartService } from "./gen/infragrpc/v1/chart_pb";
import { PipelineService, type WatchPipelineResponse } from "./gen/infragrpc/v1/pipeline_pb";
import { InfraProjectService } from "./gen/infragrpc/v1/project_pb";

export * from "./gen/infragrpc/v1/chart_pb";
export * from "./gen/infragrpc/v1/pipeline_pb";
export * from "./gen/infragrpc/v1/project_pb";
export * from "./gen/infragrpc/v1/resource_pb";
export { Code, ConnectError };

export interface InfraGrpc {
  charts: Client<typeof InfraChartService>;
  projects: Client<typeof InfraProjectService>;
  pipelines: Client<typeof PipelineService>;
  /** Every event of a pipeline until the terminal one, resuming with after_sequence if the stream drops. */
  watch(pipelineId: string): AsyncGenerator<WatchPipelineResponse>;
}

/** How to reach a secured server. Each falls back to an environment variable. */
export interface ConnectOptions {
  /** A bearer token (API token or JWT); default $INFRAGRPC_TOKEN. */
  token?: string;
  /** A file holding the token, so it never sits in argv or the environment; default $INFRAGRPC_TOKEN_FILE. */
  tokenFile?: string;
  /** PEM CA certificate(s) that an https:// server's certificate must chain to; default $INFRAGRPC_CA_FILE. */
  caFile?: string;
}

/**
 * Connects to `server` (default $INFRAGRPC_SERVER or http://localhost:50051). The second argument is a
 * token, or options naming a token, a token file and a CA file for https://.
 */
export function connect(server = process.env.INFRAGRPC_SERVER ?? "http://localhost:50051", options: string | ConnectOptions = {}): InfraGrpc {
  const o: ConnectOptions = typeof options === "string" ? { token: options } : options;
  const tokenFile = o.tokenFile ?? process.env.INFRAGRPC_TOKEN_FILE;
  const token = o.token ?? (tokenFile ? readFileSync(tokenFile, "utf8").trim() : process.env.INFRAGRPC_TOKEN);
  const caFile = o.caFile ?? process.env.INFRAGRPC_CA_FILE;
  const bearer: Interceptor = (next) => async (request) => {
    if (token) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  const transport = createGrpcTransport({ baseUrl: server, interceptors: [bearer], nodeOptions: caFile ? { ca: readFileSync(caFile) } : undefined });
  const pipelines = createClient(PipelineService, transport);
  return {
    charts: createClient(InfraChartService, transport),
    projects: createClient(InfraProjectService, transport),
    pipelines,
    async *watch(pipelineId: string) {
      let after = 0n;
      for (;;) {
        try {
          // A watcher that fell behind may get several events in one message; they are yielded one by one.
          for await (const message of pipelines.watchPipeline({ pipelineId, afterSequence: after, allowBatches: true })) {
            for (const event of message.events.length > 0 ? message.events : [message]) {
              if (event.sequence > after) after = event.sequence;
              yield event;
              if (event.terminal) return;
            }
          }
          return;
        } catch (error) {
          if (!(error instanceof ConnectError) || error.code !== Code.Unavailable) throw error;
        }
      }
    },
  };
}
