// axe-core on every page of the console: no serious or critical violation, and the pages work by keyboard.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, node, test, unique } from "./fixtures";

async function audit(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);
}

test("every page passes axe-core without serious or critical violations", async ({ page, api, chart }) => {
  test.setTimeout(300_000); // axe analyses nine pages; a loaded 2-core machine needs the room
  const name = unique("a11y");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "ida", failDatabase: true }] } });
  await page.goto("/projects");
  await expect(page.getByRole("link", { name })).toBeVisible();
  await audit(page, "projects");
  await page.goto("/charts");
  await expect(page.getByRole("link", { name: `E2E chain ${chart}`, exact: true })).toBeVisible();
  await audit(page, "catalog");
  // The source filter: a chart published by the tests is not in the built-in catalog.
  await page.getByLabel("Source").selectOption("built-in");
  await expect(page.getByRole("link", { name: `E2E chain ${chart}`, exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Static Website", exact: true })).toBeVisible();
  await page.getByLabel("Source").selectOption("published");
  await expect(page.getByRole("link", { name: `E2E chain ${chart}`, exact: true })).toBeVisible();
  await page.goto(`/charts/${chart}`);
  await expect(page.getByRole("heading", { name: "Parameters" })).toBeVisible();
  await audit(page, "chart");
  await page.goto(`/new?chart=${chart}`);
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.locator('[data-field="values.owner"] .field-error')).toBeVisible();
  await audit(page, "wizard with violations");
  await page.goto("/new/git");
  await audit(page, "git wizard");
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  await expect(page.getByTestId("pipeline-state")).toHaveText("failed");
  await node(page, `Database/${name}-db`).getByRole("button").click();
  await expect(page.getByTestId("node-panel")).toBeVisible();
  await audit(page, "project pipeline with a node open");
  for (const tab of ["Past pipelines", "History", "Values", "Settings"]) {
    await page.getByRole("link", { name: tab, exact: true }).click();
    await expect(page.getByRole("link", { name: tab, exact: true })).toHaveAttribute("aria-current", "page");
    await audit(page, `project ${tab}`);
  }
});

test("the wizard and the graph work with the keyboard alone", async ({ page, api, chart }) => {
  const name = unique("keys");
  const created = await api.projects.createProject({ name, source: { case: "chart", value: { name: chart } }, values: { layers: [{ owner: "jo" }] } });
  await page.goto(`/projects/default/${name}?pipeline=${created.pipeline!.id}`);
  await expect(page.getByTestId("pipeline-state")).toHaveText("succeeded");
  // Tab to the first node of the graph and open it with Enter.
  const first = node(page, `Network/${name}-net`).getByRole("button");
  for (let i = 0; i < 60 && !(await first.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-panel")).toBeVisible();
  await expect(page.getByRole("heading", { name: `Network/${name}-net` })).toBeFocused();
  // The typed confirmation dialog: Escape closes it, nothing happens.
  await page.getByRole("button", { name: "Undeploy" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByTestId("project-status")).toHaveText("deployed");
});
