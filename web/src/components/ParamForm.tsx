// The parameter form, generated from a chart's parameter definitions: string → text, number → numeric,
// bool → switch, list → repeatable inputs, string_enum → select, object → YAML editor with validation.
import { toJson, type JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { useEffect, useId, useRef, useState } from "react";
import YAML from "yaml";
import { ParameterType, type ChartParameter } from "../gen/infragrpc/v1/chart_pb";
import { parameterTypeName } from "../format";
import { errorFor } from "./Field";

export type Values = Record<string, JsonValue>;

/** The chart's defaults, overlaid with `current` (a project's values when editing). */
export function initialValues(parameters: ChartParameter[], current: Values = {}): Values {
  const values: Values = {};
  for (const p of parameters) {
    if (p.name in current) values[p.name] = current[p.name];
    else if (p.defaultValue) values[p.name] = toJson(ValueSchema, p.defaultValue);
  }
  return values;
}

/**
 * The values to send: those the user set, without the ones equal to the chart's default (they stay
 * defaults, so a later chart version's default applies) and without empty text (so a missing
 * required value is the server's violation, shown at its field).
 */
export function explicitValues(parameters: ChartParameter[], values: Values): Values {
  const explicit: Values = {};
  for (const p of parameters) {
    const value = values[p.name];
    if (value === undefined || value === null || value === "") continue;
    if (p.defaultValue && JSON.stringify(toJson(ValueSchema, p.defaultValue)) === JSON.stringify(value)) continue;
    explicit[p.name] = value;
  }
  return explicit;
}

interface Props {
  parameters: ChartParameter[];
  values: Values;
  onChange(values: Values): void;
  /** Server violations by field, e.g. `values.domain`. */
  errors: Record<string, string>;
  /** Local problems (YAML that does not parse) by parameter name, reported up so submit can wait. */
  onLocalError?(name: string, problem: string | undefined): void;
}

export function ParamForm({ parameters, values, onChange, errors, onLocalError }: Props) {
  if (parameters.length === 0) return <p className="muted">This chart asks for no parameters.</p>;
  return (
    <fieldset className="params">
      <legend>Parameters</legend>
      {parameters.map((p) => (
        <ParamField
          key={p.name}
          parameter={p}
          value={values[p.name]}
          error={errorFor(errors, `values.${p.name}`)}
          onChange={(v) => {
            const next = { ...values };
            if (v === undefined) delete next[p.name];
            else next[p.name] = v;
            onChange(next);
          }}
          onLocalError={(problem) => onLocalError?.(p.name, problem)}
        />
      ))}
    </fieldset>
  );
}

function ParamField({
  parameter: p,
  value,
  error,
  onChange,
  onLocalError,
}: {
  parameter: ChartParameter;
  value: JsonValue | undefined;
  error?: string;
  onChange(value: JsonValue | undefined): void;
  onLocalError(problem: string | undefined): void;
}) {
  const id = useId();
  const describedBy = [p.description ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined, "aria-required": p.required || undefined, name: p.name };
  let input;
  switch (p.type) {
    case ParameterType.NUMBER:
      input = <input {...common} type="number" step="any" value={typeof value === "number" ? value : ""} onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))} />;
      break;
    case ParameterType.BOOL:
      input = <input {...common} type="checkbox" role="switch" className="switch" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case ParameterType.STRING_ENUM:
      input = (
        <select {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">(choose)</option>
          {p.enumValues.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
      break;
    case ParameterType.LIST:
      input = <ListInput id={id} label={p.name} value={Array.isArray(value) ? value : []} onChange={onChange} describedBy={describedBy} />;
      break;
    case ParameterType.OBJECT:
      input = <YamlInput {...common} value={value} onChange={onChange} onLocalError={onLocalError} />;
      break;
    default:
      input = (
        <input
          {...common}
          type={p.sensitive ? "password" : "text"}
          autoComplete={p.sensitive ? "new-password" : "off"}
          value={typeof value === "string" ? value : value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
        />
      );
  }
  return (
    <div className={`field${error ? " invalid" : ""}`} data-field={`values.${p.name}`}>
      <label htmlFor={id}>
        {p.name}
        {p.required && (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
        <span className="muted"> {parameterTypeName(p.type)}</span>
        {p.sensitive && <span className="badge">sensitive</span>}
      </label>
      {input}
      {p.description && (
        <small id={`${id}-help`} className="help">
          {p.description}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

function ListInput({ id, label, value, onChange, describedBy }: { id: string; label: string; value: JsonValue[]; onChange(v: JsonValue[]): void; describedBy?: string }) {
  return (
    <div className="list-input" id={id} role="group" aria-label={label} aria-describedby={describedBy}>
      {value.map((item, i) => (
        <div key={i} className="list-item">
          <input
            aria-label={`${label} item ${i + 1}`}
            value={typeof item === "string" ? item : JSON.stringify(item)}
            onChange={(e) => onChange(value.map((v, j) => (j === i ? (typeof v === "number" && e.target.value !== "" && !isNaN(Number(e.target.value)) ? Number(e.target.value) : e.target.value) : v)))}
          />
          <button type="button" aria-label={`Remove ${label} item ${i + 1}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...value, ""])}>
        Add item
      </button>
    </div>
  );
}

function YamlInput({
  value,
  onChange,
  onLocalError,
  ...common
}: {
  value: JsonValue | undefined;
  onChange(v: JsonValue | undefined): void;
  onLocalError(problem: string | undefined): void;
  id: string;
  name: string;
  "aria-describedby"?: string;
}) {
  const [text, setText] = useState(() => (value === undefined ? "" : YAML.stringify(value)));
  const [problem, setProblem] = useState<string>();
  // A value set from outside (the chart's default arriving, a reset) replaces the text; our own edits do not.
  const emitted = useRef<string>(JSON.stringify(value ?? null));
  useEffect(() => {
    const incoming = JSON.stringify(value ?? null);
    if (incoming !== emitted.current) {
      emitted.current = incoming;
      setText(value === undefined ? "" : YAML.stringify(value));
      setProblem(undefined);
    }
  }, [value]);
  return (
    <>
      <textarea
        {...common}
        className="code"
        rows={Math.min(12, Math.max(3, text.split("\n").length + 1))}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          let issue: string | undefined;
          try {
            const parsed: unknown = e.target.value.trim() === "" ? undefined : YAML.parse(e.target.value);
            if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) issue = "must be a YAML mapping (key: value lines)";
            else {
              emitted.current = JSON.stringify(parsed ?? null);
              onChange(parsed as JsonValue | undefined);
            }
          } catch (error) {
            issue = error instanceof Error ? error.message.split("\n")[0] : "is not valid YAML";
          }
          setProblem(issue);
          onLocalError(issue);
        }}
      />
      {problem && (
        <small className="field-error" role="alert">
          YAML: {problem}
        </small>
      )}
    </>
  );
}
