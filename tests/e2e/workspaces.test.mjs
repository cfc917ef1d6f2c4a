// End-to-end test of workspaces in the REAL RepoVault window: two repositories stored through the
// CLI in two workspaces; the header's Workspace choice narrows the Repositories list and History
// (whose count must equal git's for that repository), and a new workspace created in the panel
// appears in the choice. Helpers in app.mjs.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, CLI, ingest, pushEvent, ROOT, tempDir, UI_TIMEOUT_MS, withApp, withoutStoreEnv } from "./app.mjs";

const MAKE_REPO = join(ROOT, "tests/fixtures/make-repo.py");

function cli(dataDir, ...args) {
  return execFileSync(CLI, ["--data-dir", dataDir, ...args], { env: withoutStoreEnv(process.env), encoding: "utf8" });
}

test("the workspace choice scopes Repositories and History; a workspace is created in the panel", async (t) => {
  const dataDir = tempDir("workspaces");
  const repo = join(tempDir("git"), "demo");
  execFileSync("python3", [MAKE_REPO, repo, "--commits", "60"], { stdio: ["ignore", "pipe", "pipe"] });
  cli(dataDir, "workspace", "create", "platform");
  cli(dataDir, "import", repo, "--workspace", "platform", "--no-backup");
  ingest(dataDir, pushEvent("other", 2, "c4"));
  const stored = Number(
    execFileSync("git", ["-C", repo, "rev-list", "--count", "--branches", "--tags"], { encoding: "utf8" }).trim(),
  );

  await withApp(t, "workspaces", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    const rows = async () => {
      const names = [];
      for (const row of await browser.$$(byTestId("repo-row"))) names.push(await row.getAttribute("data-repo-name"));
      return names;
    };
    await browser.waitUntil(async () => (await rows()).length === 2, { timeout: UI_TIMEOUT_MS, timeoutMsg: "two repositories" });
    const select = await browser.$(byTestId("workspace-select"));
    await select.waitForExist({ timeout: UI_TIMEOUT_MS });
    await select.selectByAttribute("value", "platform");
    await browser.waitUntil(async () => JSON.stringify(await rows()) === JSON.stringify(["demo"]), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the choice did not narrow the list to demo",
    });

    await (await browser.$(byTestId("nav-history"))).click();
    const summary = await browser.$(byTestId("history-summary"));
    await browser.waitUntil(async () => (await summary.getAttribute("data-total")) === String(stored), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: `History did not show the ${stored} commits of the platform workspace`,
    });

    await (await browser.$(byTestId("nav-repositories"))).click();
    const name = await browser.$(byTestId("workspace-new-name"));
    await name.waitForExist({ timeout: UI_TIMEOUT_MS });
    await name.setValue("clients");
    await (await browser.$(byTestId("workspace-create"))).click();
    await browser.waitUntil(
      async () => (await (await browser.$(byTestId("workspace-select"))).getText()).includes("clients (0)"),
      { timeout: UI_TIMEOUT_MS, timeoutMsg: "the new workspace is not a choice" },
    );
  });
  const listed = JSON.parse(cli(dataDir, "--json", "workspace", "list")).map((w) => w.name);
  assert.deepEqual(listed, ["clients", "default", "platform"]);
});
