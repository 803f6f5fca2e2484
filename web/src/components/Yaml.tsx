import hljs from "highlight.js/lib/core";
import yaml from "highlight.js/lib/languages/yaml";
import { useMemo } from "react";

hljs.registerLanguage("yaml", yaml);

/** A manifest with YAML highlighting (highlight.js escapes the text it marks up). */
export function Yaml({ source, label }: { source: string; label?: string }) {
  const html = useMemo(() => hljs.highlight(source, { language: "yaml" }).value, [source]);
  return (
    <pre className="code" tabIndex={0} aria-label={label}>
      <code className="hljs language-yaml" dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
