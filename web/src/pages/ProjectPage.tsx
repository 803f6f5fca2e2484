// A project: its live pipeline DAG, past pipelines, history and diff, values, controls and actions.
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { isTransient, pipelines, projects } from "../api";
import { TypedConfirm } from "../components/Confirm";
import { duration, pipelineState, projectStatusName, triggerName, when } from "../format";
import { PipelineOperation } from "../gen/infragrpc/v1/pipeline_pb";
import type { InfraProject, PipelineControls } from "../gen/infragrpc/v1/project_pb";
import { ErrorNote, useAction, useLoad } from "../load";
import HistoryView from "./HistoryView";
import PipelineView from "./PipelineView";
import ValuesEditor from "./ValuesEditor";

type Tab = "pipeline" | "pipelines" | "history" | "values" | "settings";
const tabs: [Tab, string][] = [
  ["pipeline", "Pipeline"],
  ["pipelines", "Past pipelines"],
  ["history", "History"],
  ["values", "Values"],
  ["settings", "Settings"],
];

export default function ProjectPage() {
  const { org = "", name = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = (params.get("tab") as Tab) || "pipeline";
  const ref = `${org}/${name}`;
  const project = useLoad(async () => (await projects.getProject({ project: ref })).project, [ref]);
  const p = project.data;
  const pipelineId = params.get("pipeline") || p?.lastPipeline?.id;
  const open = useCallback(
    (next: { tab?: Tab; pipeline?: string }) => {
      const search = new URLSearchParams(params);
      if (next.tab) search.set("tab", next.tab);
      if (next.pipeline) search.set("pipeline", next.pipeline);
      setParams(search);
    },
    [params, setParams],
  );
  const reload = project.reload;
  // A project that failed to load because the connection dropped is fetched again, as the watch reconnects.
  const transient = project.error !== undefined && isTransient(project.error);
  useEffect(() => {
    if (!transient) return;
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [transient, reload]);
  const navigate = useNavigate();
  const deleted = useCallback(() => navigate("/projects", { state: { notice: `${org}/${name} was purged and deleted.` } }), [navigate, org, name]);

  // The pipeline view keeps its place in the tree while the project loads, so a pipeline named in the URL
  // starts watching at once and is not restarted when the project arrives.
  const pipelineView =
    tab === "pipeline" && pipelineId ? <PipelineView key={pipelineId} projectId={ref} pipelineId={pipelineId} onFinished={reload} onProjectDeleted={deleted} /> : null;
  return (
    <section className="project">
      {!p ? (
        <>
          <h1>{name}</h1>
          <ErrorNote error={project.error} />
          {!project.error && <p role="status">Loading…</p>}
        </>
      ) : (
        <>
          <div className="heading">
            <div>
              <h1>{p.name}</h1>
              <p className="muted">
                {p.org} / {p.env} · revision {p.currentRevision} ·{" "}
                <span className={`status status-${projectStatusName(p.status).replace(" ", "-")}`} data-testid="project-status">
                  {projectStatusName(p.status)}
                </span>{" "}
                · {p.source?.source.case === "git" ? `git ${p.source.source.value.url} (${p.source.source.value.ref})` : p.source?.source.case === "chart" ? `chart ${p.source.source.value.name} v${p.source.source.value.version}` : ""}
              </p>
            </div>
            <ProjectActions project={p} onPipeline={(id) => open({ tab: "pipeline", pipeline: id })} />
          </div>
          <nav className="tabs" aria-label="Project views">
            {tabs.map(([key, label]) => (
              <Link key={key} to={`?${new URLSearchParams({ ...Object.fromEntries(params), tab: key })}`} aria-current={tab === key ? "page" : undefined}>
                {label}
              </Link>
            ))}
          </nav>
        </>
      )}
      {pipelineView}
      {p && tab === "pipeline" && !pipelineId && <p>No pipeline has run for this project yet.</p>}
      {p && tab === "pipelines" && <PipelineList project={p} onOpen={(id) => open({ tab: "pipeline", pipeline: id })} />}
      {p && tab === "history" && <HistoryView project={p} onRolledBack={(id) => (id ? open({ tab: "pipeline", pipeline: id }) : reload())} />}
      {p && tab === "values" && <ValuesEditor project={p} onSaved={(id) => (id ? open({ tab: "pipeline", pipeline: id }) : reload())} />}
      {p && tab === "settings" && <Settings project={p} onChanged={reload} />}
    </section>
  );
}

function ProjectActions({ project: p, onPipeline }: { project: InfraProject; onPipeline(id: string): void }) {
  const [confirm, setConfirm] = useState<"undeploy" | "purge" | "delete" | null>(null);
  const action = useAction();
  const navigate = useNavigate();
  const close = () => setConfirm(null);
  const run = (fn: () => Promise<void>) => {
    close();
    void action.run(fn);
  };
  return (
    <div className="actions project-actions">
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => onPipeline((await pipelines.runPipeline({ project: p.id, operation: PipelineOperation.DEPLOY, message: "run from the web console" })).pipeline!.id))}>
        Run pipeline
      </button>
      <button type="button" className="danger" onClick={() => setConfirm("undeploy")}>
        Undeploy
      </button>
      <button type="button" className="danger" onClick={() => setConfirm("purge")}>
        Purge
      </button>
      <button type="button" className="danger" onClick={() => setConfirm("delete")}>
        Delete
      </button>
      <ErrorNote error={action.error} />
      <TypedConfirm
        open={confirm === "undeploy"}
        title={`Undeploy ${p.name}?`}
        expected={p.name}
        action="Undeploy"
        onClose={close}
        onConfirm={() => run(async () => onPipeline((await projects.undeployProject({ project: p.id, baseRevision: p.currentRevision, message: "undeployed from the web console" })).pipeline!.id))}
      >
        <p>Every resource of this project is destroyed, consumers first. The project and its history stay.</p>
      </TypedConfirm>
      <TypedConfirm
        open={confirm === "purge"}
        title={`Purge ${p.name}?`}
        expected={p.name}
        action="Purge"
        onClose={close}
        onConfirm={() =>
          run(async () => {
            const purged = await projects.purgeProject({ project: p.id, baseRevision: p.currentRevision });
            if (purged.deleted) navigate("/projects", { state: { notice: `${p.org}/${p.name} was purged and deleted.` } });
            else if (purged.pipeline) onPipeline(purged.pipeline.id);
          })
        }
      >
        <p>Destroys every resource, then deletes the project with its history. This cannot be undone.</p>
      </TypedConfirm>
      <TypedConfirm
        open={confirm === "delete"}
        title={`Delete ${p.name}?`}
        expected={p.name}
        action="Delete"
        onClose={close}
        onConfirm={() =>
          run(async () => {
            await projects.deleteProject({ project: p.id });
            navigate("/projects", { state: { notice: `${p.org}/${p.name} was deleted.` } });
          })
        }
      >
        <p>Deletes the project and its history. A project with deployed resources must be undeployed first (or purged).</p>
      </TypedConfirm>
    </div>
  );
}

function PipelineList({ project, onOpen }: { project: InfraProject; onOpen(id: string): void }) {
  const [tokens, setTokens] = useState<string[]>([""]);
  const list = useLoad(() => pipelines.listPipelines({ project: project.id, pageSize: 25, pageToken: tokens[tokens.length - 1] }), [project.id, tokens]);
  return (
    <section aria-labelledby="pipelines-title">
      <h2 id="pipelines-title">Past pipelines</h2>
      <ErrorNote error={list.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Pipeline</th>
            <th scope="col">Result</th>
            <th scope="col">Trigger</th>
            <th scope="col">Revision</th>
            <th scope="col">Actor</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.pipelines.map((x) => (
            <tr key={x.id}>
              <td>
                <button type="button" className="link" onClick={() => onOpen(x.id)}>
                  {x.operation === PipelineOperation.UNDEPLOY ? "undeploy" : "deploy"} {x.id.slice(0, 8)}
                </button>
              </td>
              <td>
                <span className={`badge result-${pipelineState(x).replace(" ", "-")}`}>{pipelineState(x)}</span>
              </td>
              <td>{triggerName(x.trigger)}</td>
              <td>{x.revision}</td>
              <td>{x.actor}</td>
              <td>{when(x.startTime ?? x.createTime)}</td>
              <td>{duration(x.startTime, x.endTime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        {tokens.length > 1 && (
          <button type="button" onClick={() => setTokens(tokens.slice(0, -1))}>
            Newer
          </button>
        )}
        {list.data?.nextPageToken && (
          <button type="button" onClick={() => setTokens([...tokens, list.data!.nextPageToken])}>
            Older
          </button>
        )}
      </div>
    </section>
  );
}

const controlNames: [keyof Omit<PipelineControls, "$typeName" | "$unknown">, string, string][] = [
  ["disablePipelines", "controls.disable_pipelines", "Disable pipelines (changes make revisions but run nothing)"],
  ["disableDeployments", "controls.disable_deployments", "Disable deployments (pipelines build and validate only)"],
  ["requireApproval", "controls.require_approval", "Require a manual approval before deploying"],
  ["enablePullRequestDeployments", "controls.enable_pull_request_deployments", "Deploy pull-request previews (git projects)"],
];

function Settings({ project: p, onChanged }: { project: InfraProject; onChanged(): void }) {
  const action = useAction();
  const git = p.source?.source.case === "git" ? p.source.source.value : undefined;
  const toggle = (key: (typeof controlNames)[number][0], path: string, value: boolean) =>
    action.run(async () => {
      await projects.updateProject({ project: p.id, controls: { [key]: value }, updateMask: create(FieldMaskSchema, { paths: [path] }), message: `${path} = ${value} from the web console` });
      onChanged();
    });
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Controls</h2>
      {controlNames.map(([key, path, label]) => (
        <div className="field" key={key}>
          <label>
            <input type="checkbox" role="switch" className="switch" checked={Boolean(p.controls?.[key])} disabled={action.busy} onChange={(e) => void toggle(key, path, e.target.checked)} /> {label}
          </label>
        </div>
      ))}
      <ErrorNote error={action.error} />
      {git && (
        <>
          <h2>Git source</h2>
          <dl className="facts">
            <dt>Repository</dt>
            <dd>{git.url}</dd>
            <dt>Branch</dt>
            <dd>{git.ref}</dd>
            <dt>Folder</dt>
            <dd>{git.path || "(root)"}</dd>
            <dt>Last commit</dt>
            <dd>{git.lastCommit ? `${git.lastCommit.sha.slice(0, 10)} ${git.lastCommit.message.split("\n")[0]} (${git.lastCommit.author}, ${when(git.lastCommit.commitTime)})` : "none yet"}</dd>
            <dt>Webhook URL</dt>
            <dd>
              <code>{p.webhookPath ? `${window.location.origin}${p.webhookPath}` : "none"}</code>
              {git.hasWebhookSecret ? " (signed with the project's secret)" : " (no secret: set one to accept pushes)"}
            </dd>
          </dl>
        </>
      )}
      <h2>About</h2>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{p.id}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          {when(p.createTime)} by {p.createdBy}
        </dd>
        <dt>Labels</dt>
        <dd>{Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(", ") || "none"}</dd>
      </dl>
    </section>
  );
}
