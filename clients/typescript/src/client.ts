// InfraGrpc client for TypeScript on Node: the generated services over connect-node's gRPC transport
// (HTTP/2; connect-node 2.x has no httpVersion option on the gRPC transport), plus a watch helper.
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

/** Connects to `server` (default $INFRAGRPC_SERVER or http://localhost:50051); `token` is sent as a bearer token. */
export function connect(server = process.env.INFRAGRPC_SERVER ?? "http://localhost:50051", token?: string): InfraGrpc {
  const bearer: Interceptor = (next) => async (request) => {
    if (token) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  const transport = createGrpcTransport({ baseUrl: server, interceptors: [bearer] });
  const pipelines = createClient(PipelineService, transport);
  return {
    charts: createClient(InfraChartService, transport),
    projects: createClient(InfraProjectService, transport),
    pipelines,
    async *watch(pipelineId: string) {
      let after = 0n;
      for (;;) {
        try {
          for await (const event of pipelines.watchPipeline({ pipelineId, afterSequence: after })) {
            if (event.sequence > after) after = event.sequence;
            yield event;
            if (event.terminal) return;
          }
          return;
        } catch (error) {
          if (!(error instanceof ConnectError) || error.code !== Code.Unavailable) throw error;
        }
      }
    },
  };
}
