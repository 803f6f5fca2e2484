// Following a pipeline live through WatchPipeline: events are applied to a local copy and published
// once per animation frame (one render per batch), and a dropped stream resumes with after_sequence.
import { clone } from "@bufbuild/protobuf";
import { useEffect, useRef, useState } from "react";
import { Code, ConnectError, isTransient, pipelines } from "./api";
import { currentOperation, nodeState } from "./format";
import { PipelineSchema, type Pipeline, type WatchPipelineResponse } from "./gen/infragrpc/v1/pipeline_pb";
import type { NodeStatus } from "./components/PipelineGraph";
import { profiling } from "./profile";

export type Connection = "connecting" | "live" | "reconnecting" | "completed" | "failed";

export interface WatchState {
  pipeline: Pipeline | undefined;
  statuses: ReadonlyMap<string, NodeStatus>;
  connection: Connection;
  error: unknown;
  /** The pipeline was a purge that succeeded: the project no longer exists. */
  projectDeleted: boolean;
  /** Bumped on every published batch. */
  version: number;
}

/** Applies one event to `pipeline` (mutated) and returns the node keys it touched, or "all". */
export function applyEvent(pipeline: Pipeline | undefined, event: WatchPipelineResponse): { pipeline: Pipeline | undefined; touched: string[] | "all" } {
  const e = event.event;
  if (e.case === "snapshot") return { pipeline: clone(PipelineSchema, e.value), touched: "all" };
  if (!pipeline) return { pipeline, touched: [] };
  pipeline.lastSequence = event.sequence;
  switch (e.case) {
    case "pipelineChanged":
      pipeline.status = e.value.status;
      pipeline.result = e.value.result;
      pipeline.reason = e.value.reason;
      return { pipeline, touched: [] };
    case "stageChanged": {
      const i = pipeline.stages.findIndex((s) => s.kind === e.value.kind);
      if (i >= 0) pipeline.stages[i] = e.value;
      else pipeline.stages.push(e.value);
      return { pipeline, touched: [] };
    }
    case "nodeChanged": {
      const i = pipeline.nodes.findIndex((n) => n.key === e.value.key);
      if (i >= 0) pipeline.nodes[i] = e.value;
      else pipeline.nodes.push(e.value);
      return { pipeline, touched: [e.value.key] };
    }
    case "gateChanged": {
      const i = pipeline.gates.findIndex((g) => g.id === e.value.id);
      if (i >= 0) pipeline.gates[i] = e.value;
      else pipeline.gates.push(e.value);
      return { pipeline, touched: [] };
    }
  }
  return { pipeline, touched: [] };
}

export function statusesOf(pipeline: Pipeline | undefined, previous?: ReadonlyMap<string, NodeStatus>, touched: string[] | "all" = "all"): Map<string, NodeStatus> {
  const next = new Map(touched === "all" ? [] : previous);
  for (const node of pipeline?.nodes ?? []) {
    if (touched !== "all" && !touched.includes(node.key)) continue;
    next.set(node.key, { state: nodeState(node), operation: currentOperation(node), reason: node.stackJob?.reason || undefined });
  }
  return next;
}

function retryable(error: unknown): boolean {
  // A browser that lost the connection reports the fetch failure as UNKNOWN or UNAVAILABLE; a server
  // that stopped mid-stream as UNAVAILABLE, INTERNAL (truncated frame) or CANCELED.
  return isTransient(error) || (error instanceof ConnectError && [Code.Canceled, Code.Aborted].includes(error.code));
}

/** Watches `pipelineId` until it completes, reconnecting (with back-off, or at once when the browser comes back online). */
export function usePipelineWatch(pipelineId: string | undefined): WatchState {
  const [state, setState] = useState<WatchState>({ pipeline: undefined, statuses: new Map(), connection: "connecting", error: undefined, projectDeleted: false, version: 0 });
  const current = useRef<{ pipeline?: Pipeline; statuses: Map<string, NodeStatus>; touched: Set<string> | "all" }>({ statuses: new Map(), touched: new Set() });

  useEffect(() => {
    if (!pipelineId) return;
    const abort = new AbortController();
    let frame = 0;
    let connection: Connection = "connecting";
    let lastError: unknown;
    current.current = { statuses: new Map(), touched: new Set() };
    let projectDeleted = false;
    setState({ pipeline: undefined, statuses: new Map(), connection, error: undefined, projectDeleted, version: 0 });

    const publish = () => {
      frame = 0;
      if (profiling) performance.mark("infragrpc:publish");
      if (profiling && !current.current.statuses.size) performance.mark("infragrpc:first-publish");
      const c = current.current;
      c.statuses = statusesOf(c.pipeline, c.statuses, c.touched === "all" ? "all" : [...c.touched]);
      c.touched = new Set();
      setState((s) => ({ pipeline: c.pipeline, statuses: c.statuses, connection, error: lastError, projectDeleted, version: s.version + 1 }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(publish);
    };
    let wake: (() => void) | undefined;
    const online = () => wake?.();
    window.addEventListener("online", online);

    const run = async () => {
      let delay = 250;
      for (;;) {
        const after = current.current.pipeline?.lastSequence ?? 0n;
        try {
          // A page that fell behind a busy pipeline gets the events it missed in one message.
          for await (const message of pipelines.watchPipeline({ pipelineId, afterSequence: after, allowBatches: true }, { signal: abort.signal })) {
            const c = current.current;
            for (const event of message.events.length > 0 ? message.events : [message]) {
              if (event.event.case === "pipelineChanged" && event.event.value.projectDeleted) projectDeleted = true;
              const applied = applyEvent(c.pipeline, event);
              c.pipeline = applied.pipeline;
              if (applied.touched === "all" || c.touched === "all") c.touched = "all";
              else for (const k of applied.touched) c.touched.add(k);
              if (event.terminal) {
                connection = "completed";
                schedule();
                return;
              }
            }
            if (connection !== "live") {
              connection = "live";
              lastError = undefined;
            }
            delay = 250;
            schedule();
          }
          // The server ended the stream without a terminal event (shutting down): resume.
          connection = "reconnecting";
        } catch (error) {
          if (abort.signal.aborted) return;
          if (error instanceof ConnectError && error.code === Code.OutOfRange) {
            current.current.pipeline = undefined; // history we hold is ahead of the server's: start over with a snapshot
          } else if (!retryable(error)) {
            connection = "failed";
            lastError = error;
            schedule();
            return;
          }
          connection = "reconnecting";
          lastError = error;
        }
        schedule();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        delay = Math.min(delay * 2, 5000);
        if (abort.signal.aborted) return;
      }
    };
    void run();
    return () => {
      abort.abort();
      wake?.();
      window.removeEventListener("online", online);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [pipelineId]);

  return state;
}
