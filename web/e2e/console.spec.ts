// The console's stories, in Debian's Chromium against a live server (see playwright.config.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { expect, node, recordNodeStates, test, unique } from "./fixtures";
import { startProxy } from "./proxy";

const shots = join(import.meta.dirname, "..", "test-results", "screenshots");
mkdirSync(shots, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

const keys = (p: string) => ({
  net: `Network/${p}-net`,
  db: `Database/${p}-db`,
  app: `App/${p}-app`,
  dns: `Dns/${p}-dns`,
  bucket: `Bucket/${p}-bucket`,
  cdn: `Cdn/${p}-cdn`,
});

test("the wizard shows the server's violation at the field, previews the DAG, then creates and deploys", async ({ page, chart }) => {
  const name = unique("wiz");
  await page.goto(`/new?chart=${chart}`);
  await page.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  // Defaults are filled in from the chart.
  await expect(page.locator('[data-field="values.replicas"] input')).toHaveValue("2");
  await expect(page.locator('[data-field="values.tier"] select')).toHaveValue("small");
  await page.getByRole("button", { name: "Preview" }).click();
  const owner = page.locator('[data-field="values.owner"]');
  await expect(owner.locator(".field-error")).toContainText("is required");
  await expect(owner.locator("input")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("button", { name: "Create and Deploy" })).toBeDisabled();
  await shot(page, "1-wizard-violation");

  await owner.locator("input").fill("alice");
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Preview dependency graph" });
  await expect(preview.locator("[data-node-key]")).toHaveCount(6);
  await expect(owner.locator(".field-error")).toHaveCount(0);
  await shot(page, "1-wizard-preview");

  await page.getByRole("button", { name: "Create and Deploy" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/default/${name}\\?pipeline=`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.locator("[data-node-key]")).toHaveCount(6);
});

test("the DAG turns from queued to succeeded node by node", async ({ page, api, chart }) => {
  const name = unique("live");
  // The pipeline waits at its gate until the page watches, so the page sees it from the very start.
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "bob" }] }, controls: { requireApproval: true } });
  const pipelineId = created.pipeline!.id;
  await page.goto(`/projects/default/${name}?pipeline=${pipelineId}`);
  const k = keys(name);
  await expect(page.getByTestId("connection")).toHaveText("live");
  const recorded = await recordNodeStates(page);
  for (const key of Object.values(k)) await expect(node(page, key)).toHaveAttribute("data-state", "queued");
  await shot(page, "2-dag-start");
  const gate = (await api.pipelines.getPipeline({ pipelineId })).pipeline!.gates[0];
  await api.pipelines.resolveManualGate({ pipelineId, gateId: gate.id, approve: true, comment: "go" });

  await expect(node(page, k.db)).toHaveAttribute("data-state", "succeeded");
  await shot(page, "2-dag-middle");
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
  for (const key of Object.values(k)) await expect(node(page, key)).toHaveAttribute("data-state", "succeeded");
  await shot(page, "2-dag-end");

  // Every node went queued → running → succeeded in the DOM, and the chain succeeded in dependency order.
  const { states, log } = await recorded();
  for (const key of Object.values(k)) {
    expect(states[key][0]).toBe("queued");
    expect(states[key]).toContain("running");
    expect(states[key].at(-1)).toBe("succeeded");
  }
  const succeededAt = (key: string) => log.findIndex(([k2, s]) => k2 === key && s === "succeeded");
  const runningAt = (key: string) => log.findIndex(([k2, s]) => k2 === key && s === "running");
  for (const [producer, consumer] of [[k.net, k.db], [k.db, k.app], [k.app, k.dns], [k.bucket, k.cdn]]) {
    expect(succeededAt(producer)).toBeLessThan(runningAt(consumer));
  }
});

test("a failed resource marks its blocked dependents, and the independent branch succeeds", async ({ page, api, chart }) => {
  const name = unique("fail");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "carol", failDatabase: true }] } });
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  const k = keys(name);
  await expect(page.getByTestId("pipeline-state")).toHaveText("failed");
  await expect(node(page, k.net)).toHaveAttribute("data-state", "succeeded");
  await expect(node(page, k.db)).toHaveAttribute("data-state", "failed");
  await expect(node(page, k.app)).toHaveAttribute("data-state", "blocked");
  await expect(node(page, k.dns)).toHaveAttribute("data-state", "blocked");
  await expect(node(page, k.bucket)).toHaveAttribute("data-state", "succeeded");
  await expect(node(page, k.cdn)).toHaveAttribute("data-state", "succeeded");
  // One click on the failed node: the reason, and its dependents highlighted.
  await node(page, k.db).getByRole("button").click();
  await expect(page.getByTestId("node-reason")).toContainText("apply failed");
  await expect(page.getByTestId("node-logs")).toContainText("simulated failure");
  await expect(node(page, k.app)).toHaveClass(/highlighted/);
  await expect(node(page, k.dns)).toHaveClass(/highlighted/);
  await expect(node(page, k.cdn)).not.toHaveClass(/highlighted/);
  // The graph re-fits beside the panel: the end of the chain is still inside the canvas.
  const canvas = page.locator(".graph-canvas");
  await expect.poll(async () => {
    const [c, d] = [await canvas.boundingBox(), await node(page, k.dns).boundingBox()];
    return c !== null && d !== null && d.x + d.width <= c.x + c.width + 1;
  }).toBe(true);
  await shot(page, "3-failed-and-blocked");
  // The filter narrows a large graph to what went wrong.
  await page.getByLabel("Show").selectOption("problems");
  await expect(page.locator("[data-node-key]")).toHaveCount(3);
});

test("a manual gate is approved from the page and the pipeline completes", async ({ page, api, chart }) => {
  const name = unique("gate");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "dan" }] }, controls: { requireApproval: true } });
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  const gate = page.getByRole("group", { name: "Manual approval" });
  await expect(gate).toBeVisible();
  await expect(page.getByTestId("pipeline-state")).toHaveText("awaiting approval");
  await shot(page, "4-gate-pending");
  await gate.getByLabel("Comment").fill("looks right");
  await gate.getByRole("button", { name: "Approve" }).click();
  await expect(gate).toHaveCount(0);
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
  const pipeline = await api.pipelines.getPipeline({ pipelineId: created.pipeline!.id });
  expect(pipeline.pipeline!.gates[0].comment).toBe("looks right");
});

test("editing values makes revision 2, the diff shows it, and rollback makes revision 3", async ({ page, api, chart }) => {
  const name = unique("hist");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "erin" }] } });
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");

  await page.getByRole("link", { name: "Values" }).click();
  const replicas = page.locator('[data-field="values.replicas"] input');
  await expect(replicas).toHaveValue("2");
  await expect(page.locator('[data-field="values.owner"] input')).toHaveValue("erin");
  await replicas.fill("5");
  await page.getByLabel("Change message").fill("scale out");
  await page.getByRole("button", { name: "Save and deploy" }).click();
  await expect(page.getByText(/revision 2 ·/)).toBeVisible();
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");

  await page.getByRole("link", { name: "History" }).click();
  const diff = page.getByTestId("diff");
  await expect(diff.locator('[data-value-key="replicas"]')).toContainText("5");
  await expect(diff).toContainText("replicas: 5");
  await page.getByRole("button", { name: "Side by side" }).click();
  await expect(diff.locator(".split-diff td.add").first()).toBeVisible();
  await shot(page, "5-diff");

  await page.getByRole("button", { name: "Roll back to 1" }).click();
  await expect(page.getByText(/revision 3 ·/)).toBeVisible();
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
  await page.getByRole("link", { name: "History" }).click();
  await expect(page.locator('[data-revision="3"]')).toContainText("rollback");
  const project = await api.projects.getProject({ project: `default/${name}` });
  expect(project.project!.values).toEqual({ owner: "erin" });
});

test("undeploy and purge each ask for the project's name to be typed", async ({ page, api, chart }) => {
  const name = unique("gone");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "frank" }] } });
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");

  await page.getByRole("button", { name: "Undeploy" }).click();
  const dialog = page.getByRole("dialog");
  const confirm = dialog.getByRole("button", { name: "Undeploy" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill(name.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill(name);
  await shot(page, "6-undeploy-confirm");
  await confirm.click();
  await expect(page.getByRole("heading", { name: /Undeploy of revision 1/ })).toBeVisible();
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
  await expect(page.getByTestId("project-status")).toHaveText("undeployed");

  await page.getByRole("button", { name: "Purge" }).click();
  await expect(dialog.getByRole("button", { name: "Purge" })).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill(name);
  await dialog.getByRole("button", { name: "Purge" }).click();
  // Nothing is deployed, so the purge's pipeline destroys nothing and the record goes; the page follows it there.
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("status").filter({ hasText: "purged and deleted" })).toBeVisible();
  await expect.poll(async () => (await api.projects.listProjects({ filter: name })).projects.length).toBe(0);
});

test("a dropped watch connection catches up without a reload", async ({ page, api, chart }) => {
  const proxy = await startProxy(process.env.CONSOLE_URL!);
  try {
    const name = unique("drop");
    // The pipeline waits at its gate until the connection is cut, so it runs entirely while the page is offline.
    const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "gina" }] }, controls: { requireApproval: true } });
    const pipelineId = created.pipeline!.id;
    await page.goto(`${proxy.url}/projects/default/${name}?pipeline=${pipelineId}`);
    const k = keys(name);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await expect(page.getByTestId("connection")).toHaveText("live");
    await expect(page.getByTestId("pipeline-state")).toHaveText("awaiting approval");

    proxy.cut(); // every open connection is reset, and new ones are refused until restore()
    await expect(page.getByTestId("connection")).toHaveText(/reconnecting/);
    await shot(page, "7-disconnected");
    // The pipeline goes on without us.
    const gate = (await api.pipelines.getPipeline({ pipelineId })).pipeline!.gates[0];
    await api.pipelines.resolveManualGate({ pipelineId, gateId: gate.id, approve: true, comment: "while the page is offline" });
    await expect.poll(async () => (await api.pipelines.getPipeline({ pipelineId })).pipeline!.status, { timeout: 60_000 }).toBe(4);
    proxy.restore();

    await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
    for (const key of Object.values(k)) await expect(node(page, key)).toHaveAttribute("data-state", "succeeded");
    await expect(page.getByTestId("project-status")).toHaveText("deployed");
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(proxy.resets).toBeGreaterThan(0);
    await shot(page, "7-caught-up");
  } finally {
    await proxy.close();
  }
});
