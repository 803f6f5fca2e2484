import { useId, type ReactNode } from "react";

/** The violation at `field` or below it (`values.db.size` belongs to `values.db`). */
export function errorFor(errors: Record<string, string>, field: string): string | undefined {
  const hits = Object.entries(errors).filter(([f]) => f === field || f.startsWith(field + ".") || f.startsWith(field + "["));
  return hits.length ? hits.map(([, d]) => d).join("; ") : undefined;
}

/** A labelled text input with its help and the server's violation for `field`, if any. */
export function TextField({
  label,
  field,
  value,
  onChange,
  errors,
  help,
  required,
  type = "text",
  placeholder,
}: {
  label: string;
  field: string;
  value: string;
  onChange(v: string): void;
  errors: Record<string, string>;
  help?: ReactNode;
  required?: boolean;
  type?: string;
  placeholder?: string;
}) {
  const id = useId();
  const error = errorFor(errors, field);
  return (
    <div className={`field${error ? " invalid" : ""}`} data-field={field}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete="off"
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && (
        <small id={`${id}-help`} className="help">
          {help}
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

/** `team=web, tier=front` → a map; the server validates keys and values. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(",")) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    labels[eq < 0 ? trimmed : trimmed.slice(0, eq).trim()] = eq < 0 ? "" : trimmed.slice(eq + 1).trim();
  }
  return labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/** Violations as a field → description map (several on one field are joined). */
export function byField(list: { field: string; description: string }[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const v of list) map[v.field] = map[v.field] ? `${map[v.field]}; ${v.description}` : v.description;
  return map;
}
