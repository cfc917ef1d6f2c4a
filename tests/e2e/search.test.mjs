// End-to-end test of searching inside the changes in the REAL RepoVault window: a small git
// repository imported with the CLI, `change:TEXT` typed into the History search box finds exactly
// the commits `git log -G` finds, the commit view marks the text in the diff, and the
// Repositories page's "Search changes" switch turns the index off and on. Run through ./run.sh.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, CLI, screenshot, tempDir, UI_TIMEOUT_MS, withApp } from "./app.mjs";

function git(repo, ...args) {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

function makeRepo() {
  const repo = join(tempDir("git"), "lines");
  mkdirSync(join(repo, "src"), { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  const commit = (file, text, message) => {
    writeFileSync(join(repo, file), text);
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=Tess", "-c", "user.email=tess@example.com", "commit", "-q", "-m", message);
  };
  commit("README.md", "# lines\n", "Start");
  commit("src/a.rs", "fn a() {\n    let v = parse().unwrap();\n}\n", "Parse the input");
  commit("src/b.rs", "fn b() {}\n", "Add b");
  commit("src/a.rs", "fn a() {\n    let v = parse()?;\n}\n", "Segfaults no more: propagate errors");
  return repo;
}

async function waitForTotal(browser, expected, message) {
  await browser.waitUntil(
    async () => (await browser.$(byTestId("history-summary")).getAttribute("data-total")) === String(expected),
    { timeout: UI_TIMEOUT_MS, timeoutMsg: message },
  );
}

async function search(browser, text) {
  const box = await browser.$(byTestId("history-search"));
  await box.clearValue();
  await box.setValue(text);
  await browser.keys(["Enter"]);
}

test("change: finds what git log -G finds and the commit view marks it", async (t) => {
  const repo = makeRepo();
  const dataDir = tempDir("data");
  execFileSync(CLI, ["--data-dir", dataDir, "import", repo, "--no-backup"], { stdio: ["ignore", "pipe", "pipe"] });
  const expected = git(repo, "log", "-i", "-G", "unwrap", "--format=%H").split("\n");
  assert.equal(expected.length, 2, "added in one commit, removed in another");

  await withApp(t, "search-changes", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    await browser.$(byTestId("nav-history")).waitForExist({ timeout: UI_TIMEOUT_MS });
    await browser.$(byTestId("nav-history")).click();
    await browser.$(byTestId("commit-row")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no commit rows" });
    await search(browser, "change:unwrap");
    await waitForTotal(browser, 2, "change:unwrap does not find 2 commits");
    const hashes = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="commit-row"]')].map((row) => row.getAttribute("data-hash")),
    );
    assert.deepEqual([...hashes].sort(), [...expected].sort(), "the same commits as git log -G");

    // Word forms: "segfault" finds "Segfaults".
    await search(browser, "segfault");
    await waitForTotal(browser, 1, "segfault does not find its other form");

    // Removed lines only; the commit view marks the text in the diff.
    await search(browser, "removed:unwrap");
    await waitForTotal(browser, 1, "removed:unwrap does not find 1 commit");
    await browser.$(byTestId("commit-row")).click();
    await browser.keys(["Enter"]);
    const mark = await browser.$(byTestId("diff-match"));
    await mark.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the searched text is not marked in the diff" });
    assert.equal(await mark.getText(), "unwrap");
    const kind = await browser.execute(
      () => document.querySelector('[data-testid="diff-match"]')?.closest('[data-testid="diff-line"]')?.getAttribute("data-kind"),
    );
    assert.equal(kind, "del", "marked on the removed line");
    await screenshot(t, browser, "change-marked");

    // The switch on the Repositories page: off, change: finds nothing; on again, it finds.
    await browser.keys(["Escape"]);
    await browser.$(byTestId("nav-repositories")).click();
    const box = await browser.$(byTestId("repo-change-index"));
    await box.waitForExist({ timeout: UI_TIMEOUT_MS });
    assert.equal(await box.isSelected(), true);
    await box.click();
    await browser.waitUntil(async () => !(await browser.$(byTestId("repo-change-index")).isSelected()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the switch did not turn off",
    });
    await browser.$(byTestId("nav-history")).click();
    await search(browser, "change:unwrap");
    await waitForTotal(browser, 0, "change:unwrap still finds commits with the index off");
    await browser.$(byTestId("nav-repositories")).click();
    await browser.$(byTestId("repo-change-index")).click();
    await browser.waitUntil(async () => await browser.$(byTestId("repo-change-index")).isSelected(), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the switch did not turn on",
    });
    await browser.$(byTestId("nav-history")).click();
    await search(browser, "change:unwrap");
    await waitForTotal(browser, 2, "change:unwrap does not find 2 commits after turning the index on");
  });
});
