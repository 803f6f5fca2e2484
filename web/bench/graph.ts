// The console's large-graph benchmark (run by bench/console.sh): in Debian's Chromium against a live
// server, a pipeline of N resources (20 layers, each node using two of the previous layer) is opened
// while it waits at its gate, and then approved and followed live to the end. Reported:
//   first render   navigation start → the graph's first commit with nodes (dagre layout included);
//   per batch      each live batch, from its publication to the DOM commit (p50, p95, max);
//   main thread    Chromium's TaskDuration over the live run, divided by the batches it rendered.
// Each N is compared with a 10-node baseline measured in the same run.
import { chromium, type Page } from "@playwright/test";
import { clients } from "../e2e/fixtures";
import { startServer } from "../e2e/server";

const sizes = (process.env.BENCH_SIZES ?? "10,1000").split(",").map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const file = (path: string, text: string) => ({ path, content: new TextEncoder().encode(text) });

const chart = [
  file("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata:\n  name: bench-graph\nspec:\n  version: 1.0.0\n  displayName: Bench graph\n  description: N resources in layers\n"),
  file("values.yaml", "params:\n  - {name: items, type: list, description: The resources, value: []}\n"),
  file(
    "templates/nodes.yaml",
    `{{#each values.items}}
---
apiVersion: bench/v1
kind: Node
metadata:
  name: {{this.name}}
  group: {{this.layer}}
spec:
  size: 1
{{#each this.deps}}
  dep{{@index}}:
    valueFrom: {kind: Node, name: {{this}}, fieldPath: status.outputs.id}
{{/each}}
{{/each}}
`,
  ),
];

function items(n: number) {
  const layers = Math.min(20, n);
  const width = Math.ceil(n / layers);
  return Array.from({ length: n }, (_, i) => {
    const layer = Math.floor(i / width);
    const deps = layer === 0 ? [] : [...new Set([(layer - 1) * width + (i % width), (layer - 1) * width + ((i * 7 + 3) % width)])].map((d) => `n${d}`);
    return { name: `n${i}`, layer: `layer-${layer}`, deps };
  });
}

const percentile = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

async function taskDuration(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  return async () => (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")!.value * 1000;
}

async function measure(page: Page, api: ReturnType<typeof clients>, base: string, n: number, run: number) {
  const created = await api.projects.createProject({
    name: `bench-${n}-${run}-${Date.now().toString(36)}`,
    source: { case: "chart", value: { name: "bench-graph" } },
    values: { layers: [{ items: items(n) }] },
    controls: { requireApproval: true },
  });
  const pipelineId = created.pipeline!.id;
  await page.goto(`${base}/projects/default/${created.project!.name}?pipeline=${pipelineId}&profile`);
  await page.waitForFunction(() => performance.getEntriesByName("infragrpc:graph-rendered").length > 0, null, { timeout: 120_000 });
  const firstRender = await page.evaluate(() => performance.getEntriesByName("infragrpc:graph-rendered")[0].startTime);
  if (process.env.BENCH_VERBOSE)
    console.log(n, await page.evaluate(() => ({
      domContentLoaded: performance.getEntriesByType("navigation")[0]?.toJSON().domContentLoadedEventEnd,
      firstPublish: performance.getEntriesByName("infragrpc:first-publish")[0]?.startTime,
      layout: performance.getEntriesByName("infragrpc:layout")[0]?.duration,
      rendered: performance.getEntriesByName("infragrpc:graph-rendered")[0]?.startTime,
      resources: performance.getEntriesByType("resource").map((r) => `${r.name.split("/").pop()} ${r.startTime.toFixed(0)}-${r.responseEnd.toFixed(0)}`),
    })));
  const busy = await taskDuration(page);
  await page.evaluate(() => performance.clearMeasures("infragrpc:batch"));
  const before = await busy();
  const profiler = process.env.BENCH_PROFILE && n >= 1000 ? await page.context().newCDPSession(page) : undefined;
  if (profiler) {
    await profiler.send("Profiler.enable");
    await profiler.send("Profiler.start");
  }
  const gate = (await api.pipelines.getPipeline({ pipelineId })).pipeline!.gates[0];
  await api.pipelines.resolveManualGate({ pipelineId, gateId: gate.id, approve: true });
  await page.getByTestId("pipeline-state").filter({ hasText: "succeeded" }).waitFor({ timeout: 600_000 });
  const after = await busy();
  if (profiler) {
    const { profile } = await profiler.send("Profiler.stop");
    const self = new Map<string, number>();
    const dt = profile.timeDeltas ?? [];
    const byId = new Map(profile.nodes.map((x) => [x.id, x]));
    (profile.samples ?? []).forEach((id, i) => {
      const f = byId.get(id)!.callFrame;
      const name = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
      self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`).join("\n"));
  }
  const batches = await page.evaluate(() => performance.getEntriesByName("infragrpc:batch").map((e) => e.duration));
  return { firstRender, batches, mainThreadPerBatch: (after - before) / Math.max(1, batches.length) };
}

const server = await startServer(["--InfraGrpc:Simulated:Latency=00:00:00.010"]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-dev-shm-usage"] });
try {
  const api = clients(server.http);
  await api.charts.publishChart({ content: { case: "files", value: { files: chart } } });
  const results = new Map<number, { firstRender: number[]; p50: number[]; p95: number[]; max: number[]; perBatch: number[]; batches: number[] }>();
  for (let run = 0; run < runs; run++) {
    for (const n of sizes) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const r = await measure(page, api, server.http, n, run);
      await page.close();
      const acc = results.get(n) ?? { firstRender: [], p50: [], p95: [], max: [], perBatch: [], batches: [] };
      acc.firstRender.push(r.firstRender);
      acc.p50.push(percentile(r.batches, 50));
      acc.p95.push(percentile(r.batches, 95));
      acc.max.push(Math.max(...r.batches));
      acc.perBatch.push(r.mainThreadPerBatch);
      acc.batches.push(r.batches.length);
      results.set(n, acc);
    }
  }
  const median = (xs: number[]) => percentile(xs, 50);
  const base = results.get(sizes[0])!;
  console.log(`console graph benchmark: ${runs} runs, medians; ratios against the ${sizes[0]}-node baseline of the same run`);
  console.log("nodes   first render        batch commit p50 / p95 / max     main thread per batch   batches");
  for (const [n, r] of results) {
    const fr = median(r.firstRender);
    const pb = median(r.perBatch);
    console.log(
      `${String(n).padStart(5)}   ${fr.toFixed(0).padStart(6)} ms (x${(fr / median(base.firstRender)).toFixed(2)})   ${median(r.p50).toFixed(1)} / ${median(r.p95).toFixed(1)} / ${median(r.max).toFixed(1)} ms        ${pb.toFixed(1).padStart(6)} ms (x${(pb / median(base.perBatch)).toFixed(2)})     ${median(r.batches)}`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
}
