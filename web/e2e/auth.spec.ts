// Sign-in against a server that requires authentication (a bootstrap admin token from a file).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AccessService, Role, SubjectKind } from "../src/gen/infragrpc/v1/access_pb";
import { expect, test } from "./fixtures";
import { startServer, type RunningServer } from "./server";

let server: RunningServer;
const bootstrap = "e2e-bootstrap-" + "x".repeat(24);

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "infragrpc-e2e-token-"));
  writeFileSync(join(dir, "token"), bootstrap, { mode: 0o600 });
  server = await startServer([`--InfraGrpc:Auth:BootstrapTokenFile=${join(dir, "token")}`]);
});
test.afterAll(async () => server?.stop());

test("a secured server asks for a token, refuses a wrong one, shows who signed in, and explains denials in words", async ({ page }) => {
  const admin = createClient(AccessService, createGrpcWebTransport({ baseUrl: server.http, interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${bootstrap}`), next(req))] }));
  const viewer = await admin.createToken({ name: "e2e viewer", owner: "vera" });
  await admin.bindRole({ org: "default", subjectKind: SubjectKind.USER, subject: "vera", role: Role.VIEWER });

  await page.goto(`${server.http}/projects`);
  await expect(page.getByRole("heading", { name: "Sign in to InfraGrpc" })).toBeVisible();
  await page.getByLabel("Token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not accepted");

  await page.getByLabel("Token").fill(viewer.secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("identity")).toHaveText("vera");
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  // A viewer may look but not publish-and-create: the server's PERMISSION_DENIED is explained in words.
  await page.goto(`${server.http}/new/git`);
  await expect(page.getByTestId("identity")).toHaveText("vera");
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("denied");
  await page.getByRole("textbox", { name: "Repository URL" }).fill("https://git.example.com/x.git");
  await page.getByRole("button", { name: "Create and Deploy" }).click();
  await expect(page.getByRole("alert")).toContainText("Your role does not allow this");

  // Revoking the token ends the session at the next call.
  await admin.revokeToken({ tokenId: viewer.token!.id });
  await page.getByRole("link", { name: "Projects" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to InfraGrpc" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("expired or was revoked");

  await page.getByLabel("Token").fill(bootstrap);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("identity")).toHaveText("bootstrap-admin");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to InfraGrpc" })).toBeVisible();
});
