// Create a project from a catalog chart: choose the chart, fill the generated form, preview the
// rendered manifests and their DAG (RenderChart), then Create and Deploy.
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { charts, violations } from "../api";
import { createAndFollow } from "../components/createProject";
import { byField, parseLabels, TextField } from "../components/Field";
import { fromResourceGraph } from "../components/graphInput";
import { explicitValues, initialValues, ParamForm, type Values } from "../components/ParamForm";
import { Yaml } from "../components/Yaml";
import type { RenderChartResponse } from "../gen/infragrpc/v1/chart_pb";
import { valuesInput } from "../valuesInput";
import { ErrorNote, useAction, useLoad } from "../load";

const PipelineGraph = lazy(() => import("../components/PipelineGraph"));


export default function Wizard() {
  const [params, setParams] = useSearchParams();
  const chartName = params.get("chart") ?? "";
  const version = params.get("version") ?? "";
  const catalog = useLoad(() => charts.listCharts({ pageSize: 500 }), []);
  const versions = useLoad(async () => (chartName ? charts.listChartVersions({ name: chartName, pageSize: 100 }) : undefined), [chartName]);
  const chart = useLoad(async () => (chartName ? (await charts.getChart({ name: chartName, version })).chart : undefined), [chartName, version]);
  const parameters = useMemo(() => chart.data?.parameters ?? [], [chart.data]);

  const [name, setName] = useState("");
  const [org, setOrg] = useState("default");
  const [env, setEnv] = useState("default");
  const [labels, setLabels] = useState("");
  const [requireApproval, setRequireApproval] = useState(false);
  const [values, setValues] = useState<Values>({});
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<RenderChartResponse>();
  const action = useAction();
  const navigate = useNavigate();

  useEffect(() => {
    setValues(initialValues(parameters));
    setPreview(undefined);
    setErrors({});
  }, [parameters]);

  const edited = (update: () => void) => {
    update();
    setPreview(undefined);
  };
  const blocked = Object.keys(localErrors).length > 0;

  const runPreview = () =>
    action.run(async () => {
      setErrors({});
      try {
        const rendered = await charts.renderChart({
          chart: { case: "reference", value: { name: chartName, version: chart.data?.version ?? version } },
          values: valuesInput(explicitValues(parameters, values)),
          projectName: name || "preview",
          org: org || "default",
          env: env || "default",
        });
        setPreview(rendered);
      } catch (error) {
        setErrors(byField(violations(error)));
        throw error;
      }
    });

  const createAndDeploy = () =>
    action.run(async () => {
      await createAndFollow(
        {
          name,
          org,
          env,
          labels: parseLabels(labels),
          source: { case: "chart", value: { name: chartName, version: chart.data?.version ?? version } },
          values: valuesInput(explicitValues(parameters, values)),
          controls: { requireApproval },
        },
        navigate,
        setErrors,
      );
    });

  const unplaced = Object.entries(errors).filter(([f]) => !["name", "org", "env", "labels"].some((k) => f === k || f.startsWith(k + ".")) && !parameters.some((p) => f === `values.${p.name}` || f.startsWith(`values.${p.name}.`) || f.startsWith(`values.${p.name}[`)));

  return (
    <section className="wizard">
      <h1>New project</h1>
      <ol className="steps" aria-label="Steps">
        <li aria-current={!chartName ? "step" : undefined}>1. Chart</li>
        <li aria-current={chartName && !preview ? "step" : undefined}>2. Values</li>
        <li aria-current={preview ? "step" : undefined}>3. Preview and deploy</li>
      </ol>
      <p className="muted">
        Or <Link to="/new/git">create a project from a git repository</Link>.
      </p>
      <ErrorNote error={catalog.error} />
      <div className="field">
        <label htmlFor="chart">Chart</label>
        <select id="chart" value={chartName} onChange={(e) => setParams(e.target.value ? { chart: e.target.value } : {})}>
          <option value="">(choose a chart)</option>
          {catalog.data?.charts.map((c) => (
            <option key={c.name} value={c.name}>
              {c.displayName || c.name} ({c.name})
            </option>
          ))}
        </select>
      </div>
      {chartName && (
        <div className="field">
          <label htmlFor="version">Version</label>
          <select id="version" value={version} onChange={(e) => setParams(e.target.value ? { chart: chartName, version: e.target.value } : { chart: chartName })}>
            <option value="">latest{chart.data && !version ? ` (v${chart.data.version})` : ""}</option>
            {versions.data?.versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorNote error={chart.error} />
      {chart.data && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void (preview ? createAndDeploy() : runPreview());
          }}
          noValidate
        >
          <fieldset>
            <legend>Project</legend>
            <TextField label="Name" field="name" required value={name} onChange={(v) => edited(() => setName(v))} errors={errors} help="Lower-case letters, digits and dashes; unique in its org." />
            <TextField label="Org" field="org" value={org} onChange={(v) => edited(() => setOrg(v))} errors={errors} />
            <TextField label="Environment" field="env" value={env} onChange={(v) => edited(() => setEnv(v))} errors={errors} />
            <TextField label="Labels" field="labels" value={labels} onChange={(v) => edited(() => setLabels(v))} errors={errors} placeholder="team=web, tier=front" help="Comma-separated key=value pairs." />
            <div className="field">
              <label>
                <input type="checkbox" role="switch" className="switch" checked={requireApproval} onChange={(e) => edited(() => setRequireApproval(e.target.checked))} /> Require a manual approval before deploying
              </label>
            </div>
          </fieldset>
          <ParamForm
            parameters={parameters}
            values={values}
            errors={errors}
            onChange={(v) => edited(() => setValues(v))}
            onLocalError={(param, problem) =>
              setLocalErrors((current) => {
                const next = { ...current };
                if (problem) next[param] = problem;
                else delete next[param];
                return next;
              })
            }
          />
          {unplaced.length > 0 && (
            <ul className="error" role="alert">
              {unplaced.map(([f, d]) => (
                <li key={f}>
                  <code>{f}</code>: {d}
                </li>
              ))}
            </ul>
          )}
          {action.error !== undefined && Object.keys(errors).length === 0 ? <ErrorNote error={action.error} /> : null}
          {Object.keys(errors).length > 0 && (
            <p className="error" role="alert">
              The server found problems in {Object.keys(errors).length === 1 ? "one field" : `${Object.keys(errors).length} fields`}; they are marked above.
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={() => void runPreview()} disabled={action.busy || blocked}>
              Preview
            </button>
            <button type="submit" className="primary" disabled={action.busy || blocked || !preview}>
              Create and Deploy
            </button>
          </div>
        </form>
      )}
      {preview && (
        <section aria-labelledby="preview-title" className="preview">
          <h2 id="preview-title">Preview: {preview.resources.length} resources</h2>
          {preview.diagnostics.length > 0 && (
            <ul className="diagnostics">
              {preview.diagnostics.map((d, i) => (
                <li key={i}>
                  {d.message} {d.file && <span className="muted">({d.file})</span>}
                </li>
              ))}
            </ul>
          )}
          <Suspense fallback={<p role="status">Loading the graph…</p>}>
            <PipelineGraph nodes={fromResourceGraph(preview.graph)} label="Preview dependency graph" />
          </Suspense>
          <h3>Manifests</h3>
          {preview.resources.map((r) => (
            <details key={`${r.kind}/${r.metadata?.name}`}>
              <summary>
                {r.kind}/{r.metadata?.name} <span className="muted">{r.sourceFile}</span>
              </summary>
              <Yaml source={r.yaml} label={`${r.kind} ${r.metadata?.name} manifest`} />
            </details>
          ))}
        </section>
      )}
    </section>
  );
}
