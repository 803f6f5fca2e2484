// The selected node: its state and reason, stack job operations with times, outputs, manifest and live logs.
import { useEffect, useRef, useState } from "react";
import { Code, ConnectError, pipelines } from "../api";
import { duration, nodeState, nodeStateLabel, operationName, pipelineState, when } from "../format";
import { LogStream, PipelineStatus, type LogLine, type Pipeline } from "../gen/infragrpc/v1/pipeline_pb";
import type { CloudResource } from "../gen/infragrpc/v1/resource_pb";
import { ErrorNote } from "../load";
import { Yaml } from "./Yaml";

export function NodePanel({ pipeline, nodeKey, manifest, onClose }: { pipeline: Pipeline; nodeKey: string; manifest?: CloudResource; onClose(): void }) {
  const node = pipeline.nodes.find((n) => n.key === nodeKey);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [nodeKey]);
  if (!node) return null;
  const job = node.stackJob;
  const state = nodeState(node);
  const blockedBy = job?.reason.startsWith("blocked by ") ? job.reason.slice("blocked by ".length) : undefined;
  return (
    <aside className="node-panel" aria-labelledby="node-title" data-testid="node-panel">
      <div className="heading">
        <h2 id="node-title" tabIndex={-1} ref={heading}>
          {node.resource?.kind}/{node.resource?.name}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close the resource details">
          Close
        </button>
      </div>
      <p>
        <span className={`badge state-${state}`}>{nodeStateLabel[state]}</span>{" "}
        {job?.provisioner && <span className="muted">provisioner {job.provisioner}</span>}
      </p>
      {job?.reason && (
        <p className={state === "failed" ? "error" : "muted"} data-testid="node-reason">
          {state === "failed" ? "Failed: " : ""}
          {job.reason}
        </p>
      )}
      {blockedBy && <p className="muted">This resource did not run because {blockedBy} failed before it.</p>}
      <h3>Operations</h3>
      {job && job.operations.length > 0 ? (
        <table className="compact">
          <thead>
            <tr>
              <th scope="col">Operation</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {job.operations.map((o, i) => (
              <tr key={i} title={o.message}>
                <td>{operationName(o.kind)}</td>
                <td>{pipelineState(o)}</td>
                <td>{when(o.startTime)}</td>
                <td>{o.status === PipelineStatus.COMPLETED ? duration(o.startTime, o.endTime) : o.startTime ? `${duration(o.startTime, undefined)}…` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Not started.</p>
      )}
      {job?.outputs && Object.keys(job.outputs).length > 0 && (
        <>
          <h3>Outputs</h3>
          <pre className="code">{JSON.stringify(job.outputs, null, 2)}</pre>
        </>
      )}
      <h3>Logs</h3>
      <Logs pipelineId={pipeline.id} nodeKey={nodeKey} follow={state === "running" || state === "queued" || state === "awaiting-approval"} />
      {manifest && (
        <details>
          <summary>Manifest</summary>
          <Yaml source={manifest.yaml} label="Manifest" />
        </details>
      )}
    </aside>
  );
}

/** The stack job's log, followed live while the job runs; a dropped stream resumes after the last line. */
function Logs({ pipelineId, nodeKey, follow }: { pipelineId: string; nodeKey: string; follow: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const abort = new AbortController();
    const received: LogLine[] = [];
    setLines([]);
    setError(undefined);
    let frame = 0;
    const flush = () => {
      frame = 0;
      setLines([...received]);
    };
    (async () => {
      let delay = 250;
      for (;;) {
        try {
          const after = received.length ? received[received.length - 1].sequence : 0n;
          for await (const r of pipelines.streamStackJobLogs({ pipelineId, nodeKey, afterSequence: after, follow }, { signal: abort.signal })) {
            if (r.line) received.push(r.line);
            if (!frame) frame = requestAnimationFrame(flush);
          }
          if (!frame) frame = requestAnimationFrame(flush);
          return;
        } catch (e) {
          if (abort.signal.aborted) return;
          if (e instanceof ConnectError && ![Code.Unavailable, Code.Unknown, Code.Internal].includes(e.code)) {
            setError(e);
            return;
          }
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5000);
        }
      }
    })();
    return () => {
      abort.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [pipelineId, nodeKey, follow]);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <>
      <ErrorNote error={error} />
      <pre className="logs" ref={box} tabIndex={0} aria-label="Stack job log" aria-live="off" data-testid="node-logs">
        {lines.length === 0 ? <span className="muted">{follow ? "Waiting for output…" : "No output."}</span> : null}
        {lines.map((l) => (
          <div key={String(l.sequence)} className={l.stream === LogStream.STDERR ? "stderr" : l.stream === LogStream.SYSTEM ? "system" : undefined}>
            {l.text}
          </div>
        ))}
      </pre>
    </>
  );
}
