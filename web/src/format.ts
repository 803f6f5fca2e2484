// Words for the contract's enums and timestamps, shared by every page.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  PipelineResult,
  PipelineStatus,
  PipelineTrigger,
  StackJobOperationKind,
  type Pipeline,
  type PipelineNode,
} from "./gen/infragrpc/v1/pipeline_pb";
import { ProjectStatus, RevisionCause } from "./gen/infragrpc/v1/project_pb";
import { ParameterType } from "./gen/infragrpc/v1/chart_pb";

/** What a node of the graph shows: the stack job's state in one word. */
export type NodeState =
  | "pending"
  | "queued"
  | "running"
  | "awaiting-approval"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "blocked"
  | "skipped";

export const nodeStateLabel: Record<NodeState, string> = {
  pending: "not run",
  queued: "queued",
  running: "running",
  "awaiting-approval": "awaiting approval",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  blocked: "blocked",
  skipped: "skipped",
};

export function nodeState(node: PipelineNode | undefined): NodeState {
  const job = node?.stackJob;
  if (!job) return "pending";
  switch (job.status) {
    case PipelineStatus.QUEUED:
      return "queued";
    case PipelineStatus.RUNNING:
      return "running";
    case PipelineStatus.AWAITING_APPROVAL:
      return "awaiting-approval";
    case PipelineStatus.COMPLETED:
      switch (job.result) {
        case PipelineResult.SUCCEEDED:
          return "succeeded";
        case PipelineResult.FAILED:
          return "failed";
        case PipelineResult.CANCELLED:
          return job.reason.startsWith("blocked by") ? "blocked" : "cancelled";
        case PipelineResult.SKIPPED:
          return job.reason.startsWith("blocked by") ? "blocked" : "skipped";
      }
  }
  return "pending";
}

/** The operation a running node is in, e.g. "apply". */
export function currentOperation(node: PipelineNode | undefined): string | undefined {
  const running = node?.stackJob?.operations.findLast((o) => o.status === PipelineStatus.RUNNING);
  return running ? operationName(running.kind) : undefined;
}

export function operationName(kind: StackJobOperationKind): string {
  return StackJobOperationKind[kind]?.toLowerCase() ?? "operation";
}

/** A pipeline's state in a word or two: "running", "succeeded", "awaiting approval"… */
export function pipelineState(pipeline: Pick<Pipeline, "status" | "result"> | undefined): string {
  if (!pipeline) return "never run";
  if (pipeline.status === PipelineStatus.COMPLETED) return PipelineResult[pipeline.result]?.toLowerCase() ?? "completed";
  return (PipelineStatus[pipeline.status] ?? "unknown").toLowerCase().replace("_", " ");
}

export function projectStatusName(status: ProjectStatus): string {
  return (ProjectStatus[status] ?? "unknown").toLowerCase().replace("_", " ");
}

export function triggerName(trigger: PipelineTrigger): string {
  return (PipelineTrigger[trigger] ?? "unknown").toLowerCase().replace("_", " ");
}

export function causeName(cause: RevisionCause): string {
  return (RevisionCause[cause] ?? "unknown").toLowerCase().replace("_", " ");
}

export function parameterTypeName(type: ParameterType): string {
  return type === ParameterType.UNSPECIFIED ? "string" : (ParameterType[type] ?? "string").toLowerCase();
}

export function when(ts: Timestamp | undefined): string {
  return ts ? timestampDate(ts).toLocaleString() : "";
}

/** Seconds between two timestamps (or until now), as "4.2 s" or "3 min 5 s". */
export function duration(start: Timestamp | undefined, end: Timestamp | undefined): string {
  if (!start) return "";
  const ms = (end ? timestampDate(end).getTime() : Date.now()) - timestampDate(start).getTime();
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
