// The InfraGrpc story from TypeScript: publish a chart, create a project, watch its pipeline, update a
// value, list and diff revisions, undeploy, purge. Throws (exit code 1) on any failure.
//   INFRAGRPC_SERVER=http://localhost:50051 npx tsx src/example.ts
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Code, ConnectError, connect, PipelineResult, type InfraGrpc } from "./client";

const chart: Record<string, string> = {
  "Chart.yaml": "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: story-typescript}\nspec: {version: 1.0.0}\n",
  "values.yaml": "params:\n  - {name: replicas, type: number, value: 1}\n",
  "templates/app.yaml":
    "apiVersion: x.io/v1\nkind: Queue\nmetadata: {name: jobs}\n---\n" +
    "apiVersion: x.io/v1\nkind: Worker\nmetadata: {name: worker}\n" +
    "spec:\n  replicas: {{values.replicas}}\n  queue: {valueFrom: {kind: Queue, name: jobs, fieldPath: status.outputs.id}}\n",
};

async function wait(api: InfraGrpc, pipelineId: string): Promise<{ result: PipelineResult; nodes: number }> {
  let result = PipelineResult.UNSPECIFIED;
  let nodes = 0;
  for await (const e of api.watch(pipelineId)) {
    if (e.event.case === "nodeChanged") nodes++;
    if (e.event.case === "pipelineChanged") result = e.event.value.result;
    if (e.event.case === "snapshot") result = e.event.value.result;
  }
  return { result, nodes };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

export async function story(api: InfraGrpc): Promise<void> {
  const encoder = new TextEncoder();
  await api.charts.publishChart({
    content: { case: "files", value: { files: Object.entries(chart).map(([path, text]) => ({ path, content: encoder.encode(text) })) } },
  });
  const name = `story-ts-${randomBytes(4).toString("hex")}`;
  const created = await api.projects.createProject({
    name,
    org: "clients",
    source: { case: "chart", value: { name: "story-typescript" } },
    values: { set: ["replicas=2"] },
  });
  const deployed = await wait(api, created.pipeline!.id);
  check(deployed.result === PipelineResult.SUCCEEDED, `deploy ended ${PipelineResult[deployed.result]}`);
  check(deployed.nodes > 0, "no node events");
  console.log(`created clients/${name}: deployed with ${deployed.nodes} node events`);

  const updated = await api.projects.updateProject({
    project: created.project!.id,
    baseRevision: 1,
    valuesPatch: { set: ["replicas=3"] },
    message: "scale",
  });
  check((await wait(api, updated.pipeline!.id)).result === PipelineResult.SUCCEEDED, "update failed");
  const revisions = await api.projects.listProjectRevisions({ project: created.project!.id });
  check(revisions.revisions.map((r) => r.number).join() === "2,1", `revisions ${revisions.revisions.map((r) => r.number)}`);
  const diff = (await api.projects.diffProjectRevisions({ project: created.project!.id, fromRevision: 1, toRevision: 2 })).diff!;
  const change = diff.values.find((v) => v.key === "replicas");
  check(change?.oldValue?.kind.value === 2 && change?.newValue?.kind.value === 3, "diff lacks replicas 2 -> 3");
  console.log("updated: revision 2, replicas 2 -> 3");

  const undeploy = await api.projects.undeployProject({ project: created.project!.id });
  check((await wait(api, undeploy.pipeline!.id)).result === PipelineResult.SUCCEEDED, "undeploy failed");
  const purge = await api.projects.purgeProject({ project: created.project!.id });
  check((await wait(api, purge.pipeline!.id)).result === PipelineResult.SUCCEEDED, "purge failed");
  try {
    await api.projects.getProject({ project: created.project!.id });
    throw new Error("the purged project is still there");
  } catch (error) {
    check(error instanceof ConnectError && error.code === Code.NotFound, String(error));
  }
  console.log("undeployed and purged");
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await story(connect());
}
