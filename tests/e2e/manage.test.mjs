// End-to-end test of exporting, settings and removing in the REAL RepoVault window: a generated
// git repository (tests/fixtures/make-repo.py) is stored through the CLI; the History page exports
// the commits of a search to CSV (the file is checked), Settings shows the data folder and switches
// the theme, and Remove (after its confirmation) takes the repository out. Helpers in app.mjs.
//
// WebDriver cannot drive the native save dialog, so the test names the file through
// window.__REPOVAULT_E2E_SAVE_PATH__, which the UI's save-dialog function answers with when it
// exists; the export command, the file written and everything after it are the real ones.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, CLI, ingest, pushEvent, ROOT, screenshot, tempDir, UI_TIMEOUT_MS, withApp, withoutStoreEnv } from "./app.mjs";

const MAKE_REPO = join(ROOT, "tests/fixtures/make-repo.py");

function git(repo, ...args) {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

const digits = (text) => Number(text.replace(/[^\d]/g, ""));

test("export a search to CSV, see the data folder and switch the theme in Settings, remove a repository", async (t) => {
  const dataDir = tempDir("manage");
  const repo = join(tempDir("git"), "demo");
  execFileSync("python3", [MAKE_REPO, repo, "--commits", "150"], { stdio: ["ignore", "pipe", "pipe"] });
  execFileSync(CLI, ["--data-dir", dataDir, "import", repo], { env: withoutStoreEnv(process.env), stdio: ["ignore", "pipe", "pipe"] });
  ingest(dataDir, pushEvent("other", 2, "c3"));
  const stored = Number(git(repo, "rev-list", "--count", "--branches", "--tags"));
  const aliceCount = git(repo, "log", "--branches", "--tags", "-i", "--author=alice", "--format=%H").split("\n").length;
  const out = tempDir("export");
  const csvPath = join(out, "alice.csv");
  t.diagnostic(`${repo}: ${stored} commits, ${aliceCount} by alice; export to ${csvPath}`);

  await withApp(t, "manage", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    const demoRow = () => browser.$(`${byTestId("repo-row")}[data-repo-name="demo"]`);
    await (await demoRow()).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no row for demo" });

    // --- Export: the History list of demo, searched for author:alice, to CSV ---
    await (await demoRow()).$(byTestId("repo-history")).click();
    const search = await browser.$(byTestId("history-search"));
    await search.waitForExist({ timeout: UI_TIMEOUT_MS });
    await search.setValue("author:alice");
    await browser.keys(["Enter"]);
    const summary = await browser.$(byTestId("history-summary"));
    await browser.waitUntil(async () => (await summary.getAttribute("data-total")) === String(aliceCount), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the search did not come back",
    });
    const onScreen = Number(await summary.getAttribute("data-total"));
    assert.equal(await summary.getAttribute("data-total-at-least"), "false", "the list's count is exact");

    await browser.execute((path) => {
      window.__REPOVAULT_E2E_SAVE_PATH__ = path;
    }, csvPath);
    await browser.$(byTestId("history-export")).click();
    const result = await browser.$(byTestId("export-result"));
    await browser.waitUntil(async () => (await result.isExisting()) || (await browser.$(byTestId("export-error")).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the export did not finish",
    });
    if (await browser.$(byTestId("export-error")).isExisting()) {
      assert.fail(`the export failed: ${await browser.$(byTestId("export-error")).$(byTestId("error-message")).getText()}`);
    }
    assert.equal(Number(await result.getAttribute("data-count")), onScreen);
    assert.match(await browser.$(byTestId("export-result-text")).getText(), new RegExp(`^Exported [\\d,.\\s\\u00a0\\u202f]+ commits to ${csvPath}$`));
    await screenshot(t, browser, "export-done");

    const records = parseCsv(readFileSync(csvPath, "utf8"));
    assert.equal(records.length, onScreen + 1, "one CSV row per commit on screen, plus the header");
    const header = records[0];
    const author = header.indexOf("author_name");
    const repository = header.indexOf("repository");
    assert.ok(author >= 0 && repository >= 0, `header: ${header.join(",")}`);
    for (const row of records.slice(1)) {
      assert.equal(row.length, header.length, "every row has every column");
      assert.equal(row[author], "Alice Kim");
      assert.equal(row[repository], "demo");
    }
    assert.deepEqual(readdirSync(out), ["alice.csv"], "no .partial file is left behind");

    // --- Settings: the data folder and database, and the theme ---
    await browser.$(byTestId("nav-settings")).click();
    const dataDirShown = await browser.$(byTestId("settings-data-dir"));
    await dataDirShown.waitForExist({ timeout: UI_TIMEOUT_MS });
    assert.equal(await dataDirShown.getText(), dataDir);
    assert.match(await browser.$(byTestId("settings-database")).getText(), /repovault\.db \(sqlite\)$/);
    const look = () =>
      browser.execute(() => ({
        theme: document.documentElement.getAttribute("data-theme"),
        background: getComputedStyle(document.body).backgroundColor,
        stored: localStorage.getItem("repovault.theme"),
      }));
    await browser.$(byTestId("theme-light")).click();
    const light = await look();
    assert.equal(light.theme, "light");
    await browser.$(byTestId("theme-dark")).click();
    const dark = await look();
    assert.deepEqual([dark.theme, dark.stored], ["dark", "dark"]);
    assert.notEqual(dark.background, light.background, "the dark theme changes the colours");
    await screenshot(t, browser, "settings-dark");
    await browser.$(byTestId("theme-system")).click();
    assert.equal((await look()).theme, null);

    // --- Remove: the confirmation says what goes; Esc cancels; Remove removes ---
    await browser.$(byTestId("nav-repositories")).click();
    await (await demoRow()).waitForExist({ timeout: UI_TIMEOUT_MS });
    await (await demoRow()).$(byTestId("repo-remove")).click();
    const message = await browser.$(byTestId("confirm-message"));
    await message.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "Remove did not ask first" });
    const text = await message.getText();
    const said = /^demo and its ([\d,.\s\u00a0\u202f]+) commits will be removed from RepoVault; the folder on disk is not touched\.$/.exec(text);
    assert.ok(said !== null, text);
    assert.equal(digits(said[1]), stored);
    await screenshot(t, browser, "remove-confirm");
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await browser.$(byTestId("confirm-dialog")).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "Esc did not close the confirmation",
    });
    assert.equal(await (await demoRow()).isExisting(), true, "Esc keeps the repository");

    await (await demoRow()).$(byTestId("repo-remove")).click();
    await browser.$(byTestId("confirm-ok")).waitForExist({ timeout: UI_TIMEOUT_MS });
    await browser.$(byTestId("confirm-ok")).click();
    await browser.waitUntil(async () => !(await (await demoRow()).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "demo is still listed after Remove",
    });
    await browser.$(byTestId("remove-result")).waitForExist({ timeout: UI_TIMEOUT_MS });
    const names = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="repo-row"]')].map((r) => r.getAttribute("data-repo-name")),
    );
    assert.deepEqual(names, ["other"]);
    assert.ok(existsSync(join(repo, ".git")), "the folder on disk is not touched");
    await screenshot(t, browser, "removed");
  });

  // The store agrees: the CLI no longer lists demo.
  const listed = execFileSync(CLI, ["--data-dir", dataDir, "repos"], { env: withoutStoreEnv(process.env), encoding: "utf8" });
  assert.doesNotMatch(listed, /\bdemo\b/);
});
