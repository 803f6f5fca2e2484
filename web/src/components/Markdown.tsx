import DOMPurify from "dompurify";
import { marked } from "marked";
import { useMemo } from "react";

/** A chart README: Markdown rendered by marked, sanitised by DOMPurify (charts are user content). */
export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(source, { async: false, gfm: true })), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
