// What the tests share: a gRPC-Web client of the suite's server (the same transport the console uses),
// the test chart, and a DOM recorder of node states.
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { test as base, type Page } from "@playwright/test";
import { InfraChartService } from "../src/gen/infragrpc/v1/chart_pb";
import { InfraProjectService } from "../src/gen/infragrpc/v1/project_pb";
import { PipelineService } from "../src/gen/infragrpc/v1/pipeline_pb";

export function clients(baseUrl: string) {
  const transport = createGrpcWebTransport({ baseUrl });
  return {
    charts: createClient(InfraChartService, transport),
    projects: createClient(InfraProjectService, transport),
    pipelines: createClient(PipelineService, transport),
  };
}

const file = (path: string, text: string) => ({ path, content: new TextEncoder().encode(text) });

/**
 * A chart with every parameter type and two branches:
 *   Network → Database → App → Dns, and Bucket → Cdn (independent).
 * `failDatabase` makes the simulated provisioner fail the database's apply.
 */
export const chainChart = (name: string) => [
  file("Chart.yaml", `apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata:\n  name: ${name}\nspec:\n  version: 1.0.0\n  displayName: E2E chain ${name}\n  description: A test chart with a chain and an independent branch\n`),
  file(
    "values.yaml",
    `params:
  - {name: owner, description: Who owns this stack, required: true}
  - {name: replicas, type: number, description: App replicas, value: 2}
  - {name: failDatabase, type: bool, description: Make the database fail, value: false}
  - {name: zones, type: list, description: Zones, value: [a, b]}
  - {name: tier, type: string_enum, enum_values: [small, large], description: Size, value: small}
  - {name: tags, type: object, description: Extra tags, value: {team: web}}
`,
  ),
  file("README.md", `# ${name}\n\nA chart for the **console tests**.\n`),
  file(
    "templates/stack.yaml",
    `apiVersion: test/v1
kind: Network
metadata:
  name: {{project.name}}-net
spec:
  owner: {{values.owner}}
  zones: [{{#each values.zones}}{{#unless @first}}, {{/unless}}{{this}}{{/each}}]
---
apiVersion: test/v1
kind: Database
metadata:
  name: {{project.name}}-db
{{#if values.failDatabase}}
  annotations:
    sim.infragrpc.dev/fail: apply
{{/if}}
spec:
  tier: {{values.tier}}
  network:
    valueFrom: {kind: Network, name: {{project.name}}-net, fieldPath: status.outputs.id}
---
apiVersion: test/v1
kind: App
metadata:
  name: {{project.name}}-app
spec:
  replicas: {{values.replicas}}
  database:
    valueFrom: {kind: Database, name: {{project.name}}-db, fieldPath: status.outputs.id}
---
apiVersion: test/v1
kind: Dns
metadata:
  name: {{project.name}}-dns
spec:
  target:
    valueFrom: {kind: App, name: {{project.name}}-app, fieldPath: status.outputs.id}
---
apiVersion: test/v1
kind: Bucket
metadata:
  name: {{project.name}}-bucket
spec:
  team: {{values.tags.team}}
---
apiVersion: test/v1
kind: Cdn
metadata:
  name: {{project.name}}-cdn
spec:
  origin:
    valueFrom: {kind: Bucket, name: {{project.name}}-bucket, fieldPath: status.outputs.id}
`,
  ),
];

let counter = 0;
/** A name unique to this test run and worker. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}-${Date.now().toString(36).slice(-4)}`;
}

export const test = base.extend<{ api: ReturnType<typeof clients>; chart: string }>({
  baseURL: async ({}, use) => use(process.env.CONSOLE_URL),
  api: async ({}, use) => use(clients(process.env.CONSOLE_URL!)),
  chart: async ({ api }, use) => {
    const name = unique("chain");
    await api.charts.publishChart({ name, content: { case: "files", value: { files: chainChart(name) } } });
    await use(name);
  },
});
export { expect } from "@playwright/test";

/**
 * Records every state each graph node shows, in order, from a MutationObserver in the page: the test
 * then asserts on the sequence of DOM states rather than sampling them.
 */
export async function recordNodeStates(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __states: Record<string, string[]>; __log: [string, string][] };
    w.__states = {};
    w.__log = [];
    const scan = () => {
      for (const el of document.querySelectorAll<HTMLElement>("[data-node-key]")) {
        const key = el.dataset.nodeKey!;
        const state = el.dataset.state!;
        const seen = (w.__states[key] ??= []);
        if (seen[seen.length - 1] !== state) {
          seen.push(state);
          w.__log.push([key, state]);
        }
      }
    };
    scan();
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
  });
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { __states: Record<string, string[]>; __log: [string, string][] };
      return { states: w.__states, log: w.__log };
    });
}

export const node = (page: Page, key: string) => page.locator(`[data-node-key="${key}"]`);
