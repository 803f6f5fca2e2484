import { useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { projects } from "../api";
import { ProjectStatus } from "../gen/infragrpc/v1/project_pb";
import { pipelineState, projectStatusName, when } from "../format";
import { ErrorNote, useLoad } from "../load";

const filters = ["q", "org", "env", "chart", "labels", "status"] as const;

/** The projects: filtered by org, env, chart, labels and status, searched, paged. */
export default function Projects() {
  const [params, setParams] = useSearchParams();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const get = (k: (typeof filters)[number]) => params.get(k) ?? "";
  const [pages, setPages] = useState<string[]>([""]);
  const pageToken = pages[pages.length - 1];
  const list = useLoad(
    () => projects.listProjects({ filter: get("q"), org: get("org"), env: get("env"), chart: get("chart"), labelSelector: get("labels"), pageSize: 50, pageToken }),
    [params.toString(), pageToken],
  );
  const status = get("status");
  const shown = list.data?.projects.filter((p) => !status || projectStatusName(p.status) === status) ?? [];
  const update = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setPages([""]);
    setParams(next, { replace: true });
  };
  return (
    <section>
      <div className="heading">
        <h1>Projects</h1>
        <Link className="button primary" to="/new">
          New project
        </Link>
      </div>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search <input type="search" value={get("q")} onChange={(e) => update("q", e.target.value)} placeholder="name" />
        </label>
        <label>
          Org <input value={get("org")} onChange={(e) => update("org", e.target.value)} size={10} />
        </label>
        <label>
          Env <input value={get("env")} onChange={(e) => update("env", e.target.value)} size={10} />
        </label>
        <label>
          Chart <input value={get("chart")} onChange={(e) => update("chart", e.target.value)} size={14} />
        </label>
        <label>
          Labels <input value={get("labels")} onChange={(e) => update("labels", e.target.value)} placeholder="team=web,tier!=db" size={16} />
        </label>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => update("status", e.target.value)}>
            <option value="">any</option>
            {Object.values(ProjectStatus)
              .filter((s): s is ProjectStatus => typeof s === "number" && s !== ProjectStatus.UNSPECIFIED)
              .map((s) => (
                <option key={s} value={projectStatusName(s)}>
                  {projectStatusName(s)}
                </option>
              ))}
          </select>
        </label>
      </form>
      <ErrorNote error={list.error} />
      <table aria-busy={list.loading}>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Org / env</th>
            <th scope="col">Source</th>
            <th scope="col">Status</th>
            <th scope="col">Last pipeline</th>
            <th scope="col">Revision</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.id} data-project={p.name}>
              <td>
                <Link to={`/projects/${encodeURIComponent(p.org)}/${encodeURIComponent(p.name)}`}>{p.name}</Link>
                {Object.entries(p.labels).map(([k, v]) => (
                  <span key={k} className="label">
                    {k}={v}
                  </span>
                ))}
              </td>
              <td>
                {p.org} / {p.env}
              </td>
              <td>{p.source?.source.case === "git" ? `git: ${p.source.source.value.url}` : p.source?.source.case === "chart" ? `${p.source.source.value.name} v${p.source.source.value.version}` : ""}</td>
              <td>
                <span className={`status status-${projectStatusName(p.status).replace(" ", "-")}`}>{projectStatusName(p.status)}</span>
              </td>
              <td>
                <span className={`badge result-${pipelineState(p.lastPipeline).replace(" ", "-")}`}>{pipelineState(p.lastPipeline)}</span>
              </td>
              <td>{p.currentRevision}</td>
              <td>{when(p.updateTime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && shown.length === 0 && <p>No project matches these filters.</p>}
      <div className="actions">
        {pages.length > 1 && (
          <button type="button" onClick={() => setPages(pages.slice(0, -1))}>
            Previous page
          </button>
        )}
        {list.data?.nextPageToken && (
          <button type="button" onClick={() => setPages([...pages, list.data!.nextPageToken])}>
            Next page
          </button>
        )}
      </div>
    </section>
  );
}
