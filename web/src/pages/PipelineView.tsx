// One pipeline, live: the DAG coloured by each node's state, its gates, and the selected node's details.
import { useCallback, useEffect, useLayoutEffect, useMemo, useState } from "react";
import { pipelines, projects } from "../api";
import { fromPipeline } from "../components/graphInput";
import { NodePanel } from "../components/NodePanel";
import PipelineGraph from "../components/PipelineGraph";
import { profiling } from "../profile";
import { duration, pipelineState, triggerName } from "../format";
import { ManualGateScope, ManualGateState, PipelineOperation, PipelineStatus } from "../gen/infragrpc/v1/pipeline_pb";
import { ErrorNote, useAction, useLoad } from "../load";
import { usePipelineWatch } from "../watch";

const connectionLabel = { connecting: "connecting…", live: "live", reconnecting: "connection lost, reconnecting…", completed: "finished", failed: "not watching" } as const;

export default function PipelineView({ projectId, pipelineId, onFinished, onProjectDeleted }: { projectId: string; pipelineId: string; onFinished(): void; onProjectDeleted(): void }) {
  const watch = usePipelineWatch(pipelineId);
  const p = watch.pipeline;
  const [selected, setSelected] = useState<string>();
  const revision = useLoad(async () => (p?.revision ? (await projects.getProjectRevision({ project: projectId, number: p.revision })).revision : undefined), [projectId, p?.revision]);
  const manifests = useMemo(() => new Map((revision.data?.resources ?? []).map((r) => [`${r.kind}/${r.metadata?.name}`, r])), [revision.data]);
  const groups = useMemo(() => new Map((revision.data?.graph?.nodes ?? []).map((n) => [n.key, n.group])), [revision.data]);
  const structure = p?.nodes.map((n) => `${n.key}<${n.producers.join(",")}`).join("|");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const nodes = useMemo(() => fromPipeline(p, groups), [structure, groups]);
  const finished = watch.connection === "completed";
  useEffect(() => {
    if (finished && watch.projectDeleted) onProjectDeleted();
    else if (finished) onFinished();
  }, [finished, watch.projectDeleted, onFinished, onProjectDeleted]);
  // With ?profile: how long each live batch takes from its publication to the DOM commit (bench/console.sh).
  useLayoutEffect(() => {
    if (profiling && watch.version > 0 && performance.getEntriesByName("infragrpc:publish").length) {
      performance.measure("infragrpc:batch", "infragrpc:publish");
      performance.clearMarks("infragrpc:publish");
    }
  }, [watch.version]);
  const select = useCallback((key: string) => setSelected((s) => (s === key ? undefined : key)), []);

  if (!p) {
    return (
      <>
        <ErrorNote error={watch.error} />
        <p role="status">Loading the pipeline…</p>
      </>
    );
  }
  const pendingGates = p.gates.filter((g) => g.state === ManualGateState.PENDING);
  const running = p.status !== PipelineStatus.COMPLETED;
  return (
    <section className="pipeline" aria-labelledby="pipeline-title" data-pipeline-id={p.id} data-pipeline-state={pipelineState(p)}>
      <div className="heading">
        <h2 id="pipeline-title">
          {p.operation === PipelineOperation.UNDEPLOY ? "Undeploy" : "Deploy"} of revision {p.revision}:{" "}
          <span className={`badge result-${pipelineState(p).replace(" ", "-")}`} data-testid="pipeline-state">
            {pipelineState(p)}
          </span>
        </h2>
        <span className={`connection connection-${watch.connection}`} role="status" data-testid="connection">
          {connectionLabel[watch.connection]}
        </span>
      </div>
      <p className="muted">
        Triggered by {triggerName(p.trigger)}, started by {p.actor || "unknown"} · {p.nodes.length} resources · {duration(p.startTime ?? p.createTime, p.endTime)}
        {p.reason && ` · ${p.reason}`}
        {p.commitSha && ` · commit ${p.commitSha.slice(0, 10)}`}
      </p>
      <ErrorNote error={watch.connection === "failed" ? watch.error : undefined} />
      {pendingGates.map((g) => (
        <GateBox key={g.id} pipelineId={p.id} gateId={g.id} label={g.scope === ManualGateScope.RESOURCE ? `Deploying ${g.nodeKey} needs an approval.` : "This pipeline waits for an approval before it deploys."} />
      ))}
      {running && <CancelButton pipelineId={p.id} />}
      <div className={`pipeline-body${selected ? " with-panel" : ""}`}>
        <PipelineGraph nodes={nodes} statuses={watch.statuses} selected={selected} onSelect={select} label={`Pipeline ${p.id} graph`} />
        {selected && <NodePanel pipeline={p} nodeKey={selected} manifest={manifests.get(selected)} onClose={() => setSelected(undefined)} />}
      </div>
    </section>
  );
}

function GateBox({ pipelineId, gateId, label }: { pipelineId: string; gateId: string; label: string }) {
  const [comment, setComment] = useState("");
  const action = useAction();
  const resolve = (approve: boolean) => action.run(() => pipelines.resolveManualGate({ pipelineId, gateId, approve, comment }));
  return (
    <div className="gate" role="group" aria-label="Manual approval">
      <p>
        <strong>Approval needed.</strong> {label}
      </p>
      <label>
        Comment <input value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why (recorded with your name)" />
      </label>
      <button type="button" className="primary" disabled={action.busy} onClick={() => void resolve(true)}>
        Approve
      </button>
      <button type="button" className="danger" disabled={action.busy} onClick={() => void resolve(false)}>
        Reject
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}

function CancelButton({ pipelineId }: { pipelineId: string }) {
  const action = useAction();
  return (
    <div className="actions">
      <button type="button" disabled={action.busy} onClick={() => void action.run(() => pipelines.cancelPipeline({ pipelineId, reason: "cancelled from the web console" }))}>
        Cancel pipeline
      </button>
      <ErrorNote error={action.error} />
    </div>
  );
}
