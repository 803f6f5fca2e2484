// Revisions with actor, message and cause; a diff of any two (values, and each manifest unified or
// side by side); rollback to any earlier revision.
import { toJson } from "@bufbuild/protobuf";
import { ValueSchema, type Value } from "@bufbuild/protobuf/wkt";
import { parsePatch } from "diff";
import { Fragment, useEffect, useState } from "react";
import { projects } from "../api";
import { causeName, when } from "../format";
import { ChangeType, type InfraProject, type ResourceChange } from "../gen/infragrpc/v1/project_pb";
import { ErrorNote, useAction, useLoad } from "../load";

const show = (v: Value | undefined) => (v ? JSON.stringify(toJson(ValueSchema, v)) : "");
const changeName = (c: ChangeType) => (ChangeType[c] ?? "").toLowerCase();

export default function HistoryView({ project, onRolledBack }: { project: InfraProject; onRolledBack(pipelineId: string | undefined): void }) {
  const revisions = useLoad(() => projects.listProjectRevisions({ project: project.id, pageSize: 500 }), [project.id, project.currentRevision]);
  const list = revisions.data?.revisions ?? [];
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  useEffect(() => {
    setTo(project.currentRevision);
    setFrom(Math.max(1, project.currentRevision - 1));
  }, [project.currentRevision]);
  const diff = useLoad(async () => (from && to && from !== to ? (await projects.diffProjectRevisions({ project: project.id, fromRevision: from, toRevision: to })).diff : undefined), [project.id, from, to]);
  const [layout, setLayout] = useState<"unified" | "split">("unified");
  const rollback = useAction();

  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorNote error={revisions.error} />
      <table data-testid="revisions">
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Cause</th>
            <th scope="col">Actor</th>
            <th scope="col">Message</th>
            <th scope="col">Chart / commit</th>
            <th scope="col">When</th>
            <th scope="col">Compare</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.number} data-revision={r.number} aria-current={r.number === project.currentRevision ? "true" : undefined}>
              <td>
                {r.number}
                {r.number === project.currentRevision && <span className="badge">current</span>}
              </td>
              <td>
                {causeName(r.cause)}
                {r.rolledBackFrom ? ` to ${r.rolledBackFrom}` : ""}
              </td>
              <td>{r.actor}</td>
              <td>{r.message}</td>
              <td>{r.commit?.sha ? r.commit.sha.slice(0, 10) : r.chart ? `v${r.chart.version}` : ""}</td>
              <td>{when(r.createTime)}</td>
              <td>
                <label>
                  <input type="radio" name="from" checked={from === r.number} onChange={() => setFrom(r.number)} /> from
                </label>{" "}
                <label>
                  <input type="radio" name="to" checked={to === r.number} onChange={() => setTo(r.number)} /> to
                </label>
              </td>
              <td>
                {r.number !== project.currentRevision && (
                  <button
                    type="button"
                    disabled={rollback.busy}
                    onClick={() =>
                      void rollback.run(async () => {
                        const result = await projects.rollbackProject({ project: project.id, toRevision: r.number, baseRevision: project.currentRevision, message: `rollback to revision ${r.number} from the web console` });
                        onRolledBack(result.pipeline?.id);
                      })
                    }
                  >
                    Roll back to {r.number}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={rollback.error} />
      <h3>
        Changes from revision {from} to {to}
      </h3>
      <div className="toolbar" role="group" aria-label="Diff layout">
        <button type="button" aria-pressed={layout === "unified"} onClick={() => setLayout("unified")}>
          Unified
        </button>
        <button type="button" aria-pressed={layout === "split"} onClick={() => setLayout("split")}>
          Side by side
        </button>
      </div>
      <ErrorNote error={diff.error} />
      {from === to && <p className="muted">Choose two different revisions.</p>}
      {diff.data && (
        <div data-testid="diff">
          <h4>Values</h4>
          {diff.data.values.length === 0 ? (
            <p className="muted">No value changed.</p>
          ) : (
            <table className="compact">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Change</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                </tr>
              </thead>
              <tbody>
                {diff.data.values.map((v) => (
                  <tr key={v.key} data-value-key={v.key}>
                    <td>
                      <code>{v.key}</code>
                    </td>
                    <td>{changeName(v.change)}</td>
                    <td className="del">{show(v.oldValue)}</td>
                    <td className="add">{show(v.newValue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.data.fromChartVersion !== diff.data.toChartVersion && (
            <p>
              Chart version {diff.data.fromChartVersion} → {diff.data.toChartVersion}
            </p>
          )}
          <h4>Manifests</h4>
          {diff.data.resources.length === 0 && <p className="muted">No manifest changed.</p>}
          {diff.data.resources.map((r) => (
            <ManifestDiff key={`${r.resource?.kind}/${r.resource?.name}`} change={r} layout={layout} />
          ))}
        </div>
      )}
    </section>
  );
}

function ManifestDiff({ change, layout }: { change: ResourceChange; layout: "unified" | "split" }) {
  const title = `${change.resource?.kind}/${change.resource?.name}`;
  return (
    <details open>
      <summary>
        {title} <span className="badge">{changeName(change.change)}</span>
      </summary>
      {layout === "unified" ? <Unified text={change.unifiedDiff} /> : <SideBySide text={change.unifiedDiff} />}
    </details>
  );
}

function Unified({ text }: { text: string }) {
  return (
    <pre className="code diff" tabIndex={0}>
      {text.split("\n").map((line, i) => (
        <div key={i} className={line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : undefined}>
          {line || " "}
        </div>
      ))}
    </pre>
  );
}

/** The server's unified diff, parsed by jsdiff and laid out in two columns. */
function SideBySide({ text }: { text: string }) {
  const patches = parsePatch(text);
  return (
    <table className="split-diff">
      <thead>
        <tr>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {patches.flatMap((patch, p) =>
          patch.hunks.map((hunk, h) => {
            const rows: [string | null, string | null][] = [];
            let dels: string[] = [];
            let adds: string[] = [];
            const flush = () => {
              for (let i = 0; i < Math.max(dels.length, adds.length); i++) rows.push([dels[i] ?? null, adds[i] ?? null]);
              dels = [];
              adds = [];
            };
            for (const line of hunk.lines) {
              if (line.startsWith("-")) dels.push(line.slice(1));
              else if (line.startsWith("+")) adds.push(line.slice(1));
              else if (!line.startsWith("\\")) {
                flush();
                rows.push([line.slice(1), line.slice(1)]);
              }
            }
            flush();
            return (
              <Fragment key={`${p}-${h}`}>
                <tr className="hunk">
                  <td colSpan={2}>
                    @@ -{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@
                  </td>
                </tr>
                {rows.map(([left, right], i) => (
                  <tr key={i}>
                    <td className={left !== null && left !== right ? "del" : left === null ? "empty" : undefined}>{left ?? ""}</td>
                    <td className={right !== null && left !== right ? "add" : right === null ? "empty" : undefined}>{right ?? ""}</td>
                  </tr>
                ))}
              </Fragment>
            );
          }),
        )}
      </tbody>
    </table>
  );
}
