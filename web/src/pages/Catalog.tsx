import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { charts } from "../api";
import { ErrorNote, useLoad } from "../load";

/** The chart catalog: the latest version of each chart, searched by name, title and description. */
export default function Catalog() {
  const [params, setParams] = useSearchParams();
  const filter = params.get("q") ?? "";
  const origin = params.get("origin") ?? "";
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const [pageToken, setPageToken] = useState("");
  const list = useLoad(() => charts.listCharts({ filter, pageSize: 50, pageToken }), [filter, pageToken]);
  const shown = (list.data?.charts ?? []).filter((c) => !origin || (origin === "built-in") === c.builtIn);
  return (
    <section>
      <h1>Chart catalog</h1>
      <div className="toolbar">
        <label htmlFor="chart-search">Search charts</label>
        <input
          id="chart-search"
          type="search"
          value={filter}
          placeholder="name, title or description"
          onChange={(e) => {
            setPageToken("");
            set("q", e.target.value);
          }}
        />
        <label htmlFor="chart-origin">Source</label>
        <select id="chart-origin" value={origin} onChange={(e) => set("origin", e.target.value)}>
          <option value="">all charts</option>
          <option value="built-in">built-in catalog</option>
          <option value="published">published here</option>
        </select>
      </div>
      <ErrorNote error={list.error} />
      <ul className="cards" aria-busy={list.loading}>
        {shown.map((c) => (
          <li key={c.name} className="card">
            <h2>
              <Link to={`/charts/${c.name}`}>{c.displayName || c.name}</Link>
            </h2>
            <p className="muted">
              {c.name} · v{c.version}
              {c.builtIn && " · built-in"}
            </p>
            <p>{c.description}</p>
            <Link className="button" to={`/new?chart=${encodeURIComponent(c.name)}`} aria-label={`Create project from ${c.displayName || c.name}`}>
              Create project
            </Link>
          </li>
        ))}
      </ul>
      {list.data && shown.length === 0 && <p>No chart matches these filters.</p>}
      {list.data?.nextPageToken && (
        <button type="button" onClick={() => setPageToken(list.data!.nextPageToken)}>
          Next page
        </button>
      )}
    </section>
  );
}
