import type { ResourceGraph } from "../gen/infragrpc/v1/resource_pb";
import type { Pipeline } from "../gen/infragrpc/v1/pipeline_pb";
import type { GraphNodeInfo } from "./PipelineGraph";

/** The graph view's nodes from a rendered ResourceGraph. */
export function fromResourceGraph(graph: ResourceGraph | undefined): GraphNodeInfo[] {
  return (graph?.nodes ?? []).map((n) => ({
    key: n.key,
    kind: n.resource?.kind ?? "",
    name: n.resource?.name ?? n.key,
    group: n.group,
    producers: n.producers,
    requiresApproval: n.requiresApproval,
  }));
}

/** The graph view's nodes from a pipeline's nodes (what it deploys or destroys). */
export function fromPipeline(pipeline: Pipeline | undefined, groups?: ReadonlyMap<string, string>): GraphNodeInfo[] {
  return (pipeline?.nodes ?? []).map((n) => ({
    key: n.key,
    kind: n.resource?.kind ?? "",
    name: n.resource?.name ?? n.key,
    group: groups?.get(n.key) ?? "",
    producers: n.producers,
    requiresApproval: n.stackJob?.requiresApproval,
  }));
}
