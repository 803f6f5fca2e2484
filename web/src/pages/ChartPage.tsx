import { toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { Link, useParams, useSearchParams } from "react-router";
import { charts } from "../api";
import { Markdown } from "../components/Markdown";
import { parameterTypeName, when } from "../format";
import { ErrorNote, useLoad } from "../load";

/** One chart: README, parameters and versions. */
export default function ChartPage() {
  const { name = "" } = useParams();
  const [params] = useSearchParams();
  const version = params.get("version") ?? "";
  const chart = useLoad(() => charts.getChart({ name, version }), [name, version]);
  const versions = useLoad(() => charts.listChartVersions({ name, pageSize: 100 }), [name]);
  const c = chart.data?.chart;
  return (
    <section>
      <ErrorNote error={chart.error} />
      {c && (
        <>
          <h1>{c.displayName || c.name}</h1>
          <p className="muted">
            {c.name} · v{c.version} · published {when(c.publishTime)} by {c.publishedBy || "the built-in catalog"}
          </p>
          <p>{c.description}</p>
          <Link className="button primary" to={`/new?chart=${encodeURIComponent(c.name)}&version=${encodeURIComponent(c.version)}`}>
            Create a project from v{c.version}
          </Link>
          <div className="columns">
            <div>
              <h2>Parameters</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Default</th>
                    <th scope="col">Required</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {c.parameters.map((p) => (
                    <tr key={p.name}>
                      <td>
                        <code>{p.name}</code>
                      </td>
                      <td>
                        {parameterTypeName(p.type)}
                        {p.enumValues.length > 0 && <span className="muted"> ({p.enumValues.join(", ")})</span>}
                        {p.sensitive && <span className="badge">sensitive</span>}
                      </td>
                      <td>{p.defaultValue ? <code>{JSON.stringify(toJson(ValueSchema, p.defaultValue))}</code> : <span className="muted">none</span>}</td>
                      <td>{p.required ? "yes" : "no"}</td>
                      <td>{p.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>README</h2>
              {c.readme ? <Markdown source={c.readme} /> : <p className="muted">This chart has no README.</p>}
            </div>
            <aside>
              <h2>Versions</h2>
              <ErrorNote error={versions.error} />
              <ul className="plain">
                {versions.data?.versions.map((v) => (
                  <li key={v.version}>
                    <Link to={`/charts/${name}?version=${encodeURIComponent(v.version)}`} aria-current={v.version === c.version ? "page" : undefined}>
                      v{v.version}
                    </Link>{" "}
                    <span className="muted">{when(v.publishTime)}</span>
                  </li>
                ))}
              </ul>
            </aside>
          </div>
        </>
      )}
    </section>
  );
}
