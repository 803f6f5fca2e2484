// Edit a project's values with the chart's form, filled with the current values; saving makes a new revision.
import type { JsonValue } from "@bufbuild/protobuf";
import { useEffect, useMemo, useState } from "react";
import { charts, projects, violations } from "../api";
import { byField, TextField } from "../components/Field";
import { explicitValues, initialValues, ParamForm, type Values } from "../components/ParamForm";
import type { InfraProject } from "../gen/infragrpc/v1/project_pb";
import { ErrorNote, useAction, useLoad } from "../load";
import { valuesInput } from "../valuesInput";

export default function ValuesEditor({ project: p, onSaved }: { project: InfraProject; onSaved(pipelineId: string | undefined): void }) {
  const source = p.source?.source.case === "chart" ? p.source.source.value : undefined;
  const chart = useLoad(async () => (source && !source.inline ? (await charts.getChart({ name: source.name, version: source.version })).chart : undefined), [source?.name, source?.version]);
  const parameters = useMemo(() => chart.data?.parameters ?? [], [chart.data]);
  const current = useMemo(() => (p.values ?? {}) as Record<string, JsonValue>, [p.values]);
  const [values, setValues] = useState<Values>({});
  const [message, setMessage] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<string>();
  const [localErrors, setLocalErrors] = useState<Set<string>>(new Set());
  const action = useAction();
  useEffect(() => setValues(initialValues(parameters, current)), [parameters, current]);

  if (!source) return <p>This project's manifests come from git: change them with a commit to its branch.</p>;
  if (source.inline) return <p>This project was created from inline chart files: change its values with <code>infractl update</code>.</p>;

  const save = () =>
    action.run(async () => {
      setErrors({});
      setResult(undefined);
      try {
        const updated = await projects.updateProject({ project: p.id, baseRevision: p.currentRevision, values: valuesInput(explicitValues(parameters, values)), message: message || "values edited in the web console" });
        if (!updated.changed) setResult("Nothing changed: no new revision was made.");
        else onSaved(updated.pipeline?.id);
      } catch (error) {
        setErrors(byField(violations(error)));
        throw error;
      }
    });
  return (
    <section aria-labelledby="values-title">
      <h2 id="values-title">Values</h2>
      <p className="muted">
        Chart {source.name} v{source.version}. Saving makes revision {p.currentRevision + 1} and deploys it.
      </p>
      <ErrorNote error={chart.error} />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ParamForm
          parameters={parameters}
          values={values}
          onChange={setValues}
          errors={errors}
          onLocalError={(name, problem) =>
            setLocalErrors((s) => {
              const next = new Set(s);
              if (problem) next.add(name);
              else next.delete(name);
              return next;
            })
          }
        />
        <TextField label="Change message" field="message" value={message} onChange={setMessage} errors={errors} placeholder="why this change" />
        {Object.keys(errors).length === 0 ? <ErrorNote error={action.error} /> : (
          <p className="error" role="alert">
            The server found problems; they are marked at their fields.
          </p>
        )}
        {result && <p role="status">{result}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={action.busy || localErrors.size > 0}>
            Save and deploy
          </button>
        </div>
      </form>
    </section>
  );
}
