// End-to-end test of backups in the REAL RepoVault window: a store made through the CLI is backed
// up from the Backups page (Create now), then changed (another push event ingested while the app
// runs, the first repository removed through its confirmation), and the backup is restored
// through the confirmation dialog, which shows the current counts beside the backup's. Afterwards
// the Repositories page shows the old data again, and the replaced data is in a safety backup.
// Helpers in app.mjs; run through ./run.sh.

import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { appPid, byTestId, CLI, ingest, pushEvent, ROOT, screenshot, tempDir, UI_TIMEOUT_MS, withApp, withoutStoreEnv } from "./app.mjs";

/** Creating, verifying and restoring a tiny store takes seconds; leave room for a slow machine. */
const BACKUP_TIMEOUT_MS = 120_000;

/** The rendered backup rows, read in one round trip. */
function backupRows(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="backup-row"]')].map((row) => ({
      path: row.getAttribute("data-path"),
      name: row.getAttribute("data-name"),
      verified: row.getAttribute("data-verified"),
      kind: row.querySelector('[data-testid="backup-kind"]')?.textContent ?? "",
    })),
  );
}

function repoNames(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="repo-row"]')].map((r) => r.getAttribute("data-repo-name")),
  );
}

/** Waits for one of two outcomes (by test id); fails with the error banner's message on the second. */
async function outcome(browser, okId, errorId, what) {
  await browser.waitUntil(
    async () => (await browser.$(byTestId(okId)).isExisting()) || (await browser.$(byTestId(errorId)).isExisting()),
    { timeout: BACKUP_TIMEOUT_MS, timeoutMsg: `${what} did not finish` },
  );
  const error = await browser.$(byTestId(errorId));
  if (await error.isExisting()) {
    const message = await error.$(byTestId("error-message"));
    assert.fail(`${what} failed: ${(await message.isExisting()) ? await message.getText() : await error.getText()}`);
  }
  return browser.$(byTestId(okId));
}

test("create a backup, change the data, restore it through the dialog and see the old data back", async (t) => {
  const dataDir = tempDir("backup");
  ingest(dataDir, pushEvent("demo", 3, "b1"));
  const destination = join(dataDir, "backups");

  await withApp(t, "backup-restored", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    const row = (name) => browser.$(`${byTestId("repo-row")}[data-repo-name="${name}"]`);
    await (await row("demo")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no row for demo" });
    assert.equal(await (await row("demo")).$(byTestId("repo-commit-count")).getAttribute("data-value"), "3");

    // --- Backups: empty, then Create now ---
    await browser.$(byTestId("nav-backups")).click();
    await browser.$(byTestId("backups-empty")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the empty Backups page did not show" });
    assert.match(await browser.$(byTestId("backups-empty")).getText(), /Create now/);
    await screenshot(t, browser, "backups-empty");
    await browser.$(byTestId("backup-create")).click();
    const created = await outcome(browser, "backup-create-result", "backup-create-error", "Create now");
    const createdText = await created.$(byTestId("backup-outcome-text")).getText();
    t.diagnostic(`create: ${createdText}`);
    await browser.$(byTestId("backup-row")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the new backup is not listed" });
    const [backup, ...others] = await backupRows(browser);
    assert.equal(others.length, 0, "one backup listed");
    assert.equal(backup.kind, "Manual");
    assert.equal(backup.verified, "unverified");
    assert.ok(backup.path.startsWith(destination), `${backup.path} is in ${destination}`);
    assert.ok(existsSync(backup.path), `${backup.path} exists on disk`);
    assert.equal(createdText, `Backup written to ${backup.path}.`);

    // Verify: the row shows it as verified.
    await browser.$(`${byTestId("backup-row")}[data-path="${backup.path}"]`).$(byTestId("backup-verify")).click();
    const verified = await browser.$(byTestId("verify-result"));
    await verified.waitForExist({ timeout: BACKUP_TIMEOUT_MS, timeoutMsg: "Verify did not finish" });
    assert.equal(await verified.getAttribute("data-ok"), "true", await verified.getText());
    await browser.waitUntil(async () => (await backupRows(browser))[0]?.verified === "verified", {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the backup does not show as verified",
    });
    await screenshot(t, browser, "backup-created");

    // --- Change the data: another push event through the CLI, and demo removed in the app ---
    ingest(dataDir, pushEvent("other", 2, "c2"));
    await browser.$(byTestId("nav-repositories")).click();
    await browser.$(byTestId("refresh")).waitForExist({ timeout: UI_TIMEOUT_MS });
    await browser.$(byTestId("refresh")).click();
    await (await row("other")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the ingested repository did not show after Refresh" });
    await (await row("demo")).$(byTestId("repo-remove")).click();
    await browser.$(byTestId("confirm-ok")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "Remove did not ask first" });
    await browser.$(byTestId("confirm-ok")).click();
    await browser.waitUntil(async () => !(await (await row("demo")).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "demo is still listed after Remove",
    });
    assert.deepEqual(await repoNames(browser), ["other"]);

    // --- Restore: the dialog shows what is replaced, then the old data is back ---
    await browser.$(byTestId("nav-backups")).click();
    const backupRow = await browser.$(`${byTestId("backup-row")}[data-path="${backup.path}"]`);
    await backupRow.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the backup is not listed any more" });
    assert.equal(await backupRow.getAttribute("data-verified"), "verified", "the Verify result is remembered across pages");
    await backupRow.$(byTestId("backup-restore")).click();
    const dialog = await browser.$(byTestId("confirm-dialog"));
    await dialog.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "Restore did not ask first" });
    const counts = await browser.execute(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="restore-count-row"]')].map((r) => [
          r.getAttribute("data-table"),
          { current: r.getAttribute("data-current"), backup: r.getAttribute("data-backup") },
        ]),
      ),
    );
    t.diagnostic(`restore dialog counts: ${JSON.stringify(counts)}`);
    assert.deepEqual(counts.repositories, { current: "1", backup: "1" });
    assert.deepEqual(counts.commits, { current: "2", backup: "3" });
    const safety = await browser.$(byTestId("restore-safety")).getText();
    assert.match(safety, /safety backup of the current data is taken first/);
    assert.ok(safety.includes(destination), `the dialog names the safety backup's folder: ${safety}`);
    const focused = await browser.execute(() => document.activeElement?.getAttribute("data-testid"));
    assert.equal(focused, "confirm-cancel", "Cancel has the focus first");
    await screenshot(t, browser, "restore-confirm");

    await browser.$(byTestId("confirm-ok")).click();
    const restored = await outcome(browser, "restore-result", "restore-error", "the restore");
    const restoredText = await restored.getText();
    t.diagnostic(`restore: ${restoredText}`);
    assert.match(restoredText, /Restored the backup of /);
    assert.match(restoredText, /safety backup /);
    assert.equal(await browser.$(byTestId("confirm-dialog")).isExisting(), false, "the dialog closed");
    // The safety backup of the replaced data is listed beside the restored one.
    await browser.waitUntil(async () => (await backupRows(browser)).length === 2, {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the safety backup is not listed",
    });
    const safetyRow = (await backupRows(browser)).find((r) => r.path !== backup.path);
    assert.equal(safetyRow.kind, "Automatic", "the safety backup is an automatic one");
    assert.ok(restoredText.includes(safetyRow.path), `the result names the safety backup ${safetyRow.path}`);
    await screenshot(t, browser, "restore-done");

    // --- The old data is back on the Repositories page ---
    await browser.$(byTestId("nav-repositories")).click();
    await (await row("demo")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "demo is not back after the restore" });
    await browser.waitUntil(async () => (await (await row("demo")).$(byTestId("repo-commit-count")).getAttribute("data-value")) === "3", {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "demo does not show its 3 commits after the restore",
    });
    assert.deepEqual(await repoNames(browser), ["demo"], "the repository added after the backup is gone");

    // History reads the restored store too.
    await (await row("demo")).$(byTestId("repo-history")).click();
    await browser.waitUntil(async () => (await browser.$(byTestId("history-summary")).getAttribute("data-total")) === "3", {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "History does not show the restored 3 commits",
    });
  });

  // The store on disk agrees.
  const listed = execFileSync(CLI, ["--data-dir", dataDir, "repos"], { env: withoutStoreEnv(process.env), encoding: "utf8" });
  assert.match(listed, /\bdemo\b/);
  assert.doesNotMatch(listed, /\bother\b/);
});

/** The backups in a folder, as the CLI lists them (kind, trigger, commit count). */
function listedBackups(dataDir, destination) {
  const out = execFileSync(CLI, ["--data-dir", dataDir, "--json", "backup", "list", "--dest", destination], {
    env: withoutStoreEnv(process.env),
    encoding: "utf8",
  });
  return JSON.parse(out);
}

test("an import of more commits than the threshold is backed up first, and the app backs up on exit", async (t) => {
  const dataDir = tempDir("backup-triggers");
  ingest(dataDir, pushEvent("demo", 3, "c1"));
  const destination = join(dataDir, "backups");
  writeFileSync(join(dataDir, "settings.json"), JSON.stringify({ large_import_backup_threshold: 5, backup_on_exit: true }));
  const repo = join(tempDir("git"), "triggered");
  execFileSync("python3", [join(ROOT, "tests/fixtures/make-repo.py"), repo, "--commits", "20"], { stdio: ["ignore", "pipe", "pipe"] });

  await withApp(t, "backup-before-import", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    await browser.$(`${byTestId("repo-row")}[data-repo-name="demo"]`).waitForExist({ timeout: UI_TIMEOUT_MS });
    await browser.$(byTestId("import-path")).setValue(repo);
    await browser.$(byTestId("import-submit")).click();
    const done = await outcome(browser, "import-result", "import-error", "the import");
    t.diagnostic(`import: ${await done.getText()}`);

    await browser.$(byTestId("nav-backups")).click();
    await browser.waitUntil(async () => (await backupRows(browser)).length === 1, {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "no backup was listed after the large import",
    });
    const [row] = await backupRows(browser);
    assert.equal(row.kind, "Automatic");
    const trigger = await browser.$(byTestId("backup-trigger")).getText();
    assert.match(trigger, /before .*import/i);
    await screenshot(t, browser, "backup-before-import");

    // A logout or a service manager ends the app with SIGTERM: it exits the way closing its
    // window does and takes the backup on exit on its way out. (The harness's own stop kills the
    // app outright, so the test sends the signal itself.)
    process.kill(appPid(), "SIGTERM");
    const deadline = Date.now() + BACKUP_TIMEOUT_MS;
    while (!listedBackups(dataDir, destination).some((b) => /exit/i.test(b.trigger ?? "")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  // The backup holds the store as it was before the import wrote commits.
  const backups = listedBackups(dataDir, destination);
  t.diagnostic(`backups: ${JSON.stringify(backups.map((b) => [b.kind, b.trigger, b.path]))}`);
  const before = backups.find((b) => /import/i.test(b.trigger ?? ""));
  assert.ok(before, "the before-import backup is in the folder");
  const restoredDir = join(tempDir("backup-triggers-restored"), "data");
  execFileSync(CLI, ["--data-dir", dataDir, "backup", "restore", before.path, "--into", restoredDir, "--yes"], {
    env: withoutStoreEnv(process.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const listed = execFileSync(CLI, ["--data-dir", restoredDir, "repos"], { env: withoutStoreEnv(process.env), encoding: "utf8" });
  assert.match(listed, /^demo\s+\S+\s+3\s/m);
  // The repository's row is made before the history walk; its commits come after the backup.
  assert.match(listed, /^triggered\s+\S+\s+0\s/m, "the backup was taken before the import wrote any commit");
  const all = listedBackups(dataDir, destination);
  assert.ok(
    all.some((b) => b.kind === "automatic" && /exit/i.test(b.trigger ?? "")),
    `an automatic backup on exit (found: ${all.map((b) => b.trigger).join(", ")})`,
  );
});
