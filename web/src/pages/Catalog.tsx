import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { charts } from "../api";
import { ErrorNote, useLoad } from "../load";

/** The chart catalog: the latest version of each chart, searched by name, title and description. */
export default function Catalog() {
  const [params, setParams] = useSearchParams();
  const filter = params.get("q") ?? "";
  const [pageToken, setPageToken] = useState("");
  const list = useLoad(() => charts.listCharts({ filter, pageSize: 50, pageToken }), [filter, pageToken]);
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
            setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
          }}
        />
      </div>
      <ErrorNote error={list.error} />
      <ul className="cards" aria-busy={list.loading}>
        {list.data?.charts.map((c) => (
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
      {list.data && list.data.charts.length === 0 && <p>No chart matches “{filter}”.</p>}
      {list.data?.nextPageToken && (
        <button type="button" onClick={() => setPageToken(list.data!.nextPageToken)}>
          Next page
        </button>
      )}
    </section>
  );
}
