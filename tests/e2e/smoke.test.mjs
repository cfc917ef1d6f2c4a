// End-to-end smoke test of the REAL RepoVault debug binary in its real WebKitGTK webview, driven
// through tauri-driver + WebKitWebDriver (helpers in app.mjs). Run through ./run.sh.

import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, ingest, pushEvent, tempDir, UI_TIMEOUT_MS, withApp } from "./app.mjs";

test("the app lists a repository stored through the CLI, with its commit count and the sqlite backend", async (t) => {
  const dataDir = tempDir("repos");
  ingest(dataDir, pushEvent("demo", 2, "a1"));

  await withApp(t, "repositories", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    const row = await browser.$(`${byTestId("repo-row")}[data-repo-name="demo"]`);
    await row.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no row for repository demo appeared" });

    assert.equal(await browser.$(byTestId("error-banner")).isExisting(), false, "no error banner expected");
    assert.equal(await row.$(byTestId("repo-name")).getText(), "demo");
    assert.equal(await row.$(byTestId("repo-commit-count")).getText(), "2");
    assert.equal(await browser.$(byTestId("store-backend")).getText(), "sqlite");
    assert.equal((await browser.$$(byTestId("repo-row"))).length, 1);
    const dataDirShown = await browser.$(byTestId("data-dir")).getText();
    assert.equal(dataDirShown, dataDir, "the header shows the data folder the app was started with");

    // Refresh asks the real backend again: a repository stored meanwhile appears.
    ingest(dataDir, pushEvent("second", 1, "b2"));
    await browser.$(byTestId("refresh")).click();
    const second = await browser.$(`${byTestId("repo-row")}[data-repo-name="second"]`);
    await second.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "Refresh did not show repository second" });
    assert.equal(await second.$(byTestId("repo-commit-count")).getText(), "1");
    const rows = await browser.$$(byTestId("repo-row"));
    assert.equal(rows.length, 2);

    // Keyboard: rows take focus, and the arrow keys move it between them in the real webview.
    const names = [];
    for (const r of rows) names.push(await r.getAttribute("data-repo-name"));
    const focused = () => browser.execute(() => document.activeElement?.getAttribute("data-repo-name") ?? null);
    await rows[0].$(byTestId("repo-name")).click(); // a click inside a row focuses the row
    assert.equal(await focused(), names[0]);
    await browser.keys(["ArrowDown"]);
    assert.equal(await focused(), names[1]);
    await browser.keys(["ArrowDown"]);
    assert.equal(await focused(), names[1], "focus stays on the last row");
    await browser.keys(["ArrowUp"]);
    assert.equal(await focused(), names[0]);
  });
});

test("with an unusable DATABASE_URL the window shows a readable config error, not a blank screen", async (t) => {
  const dataDir = tempDir("badurl");

  await withApp(t, "config-error", { REPOVAULT_DATA_DIR: dataDir, DATABASE_URL: "mysql://x" }, async (browser) => {
    const banner = await browser.$(byTestId("error-banner"));
    await banner.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no error banner appeared" });

    assert.equal(await banner.$(byTestId("error-code")).getText(), "config");
    const message = await banner.$(byTestId("error-message")).getText();
    assert.ok(message.trim().length > 0, "the banner carries a message");
    t.diagnostic(`banner message: ${message}`);
    assert.equal((await browser.$$(byTestId("error-banner"))).length, 1, "the same failure is shown once");
    assert.equal(await browser.$(byTestId("store-status")).getText(), "unavailable");
    assert.equal(await browser.$(byTestId("repo-row")).isExisting(), false);
    assert.equal(await browser.$(byTestId("nav-repositories")).isExisting(), true, "the app shell is still there");
  });
});
