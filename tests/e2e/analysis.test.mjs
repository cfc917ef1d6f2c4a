// End-to-end test of the Analyses page in the REAL RepoVault window: a generated repository
// (tests/fixtures/make-repo.py) is added through the path field and imported, then an authors
// analysis (also with its top author left out) and a tech-spec analysis run in the app, and the
// numbers on screen are compared with what git itself says about the same repository. Helpers in
// app.mjs; run through ./run.sh.

import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, ROOT, screenshot, tempDir, UI_TIMEOUT_MS, withApp } from "./app.mjs";

const MAKE_REPO = join(ROOT, "tests/fixtures/make-repo.py");
const IMPORT_TIMEOUT_MS = 120_000;
const ANALYSIS_TIMEOUT_MS = 120_000;

function makeRepo(commits) {
  const dest = join(tempDir("git"), "demo-analysis");
  execFileSync("python3", [MAKE_REPO, dest, "--commits", String(commits)], { stdio: ["ignore", "pipe", "pipe"] });
  return dest;
}

function git(repo, ...args) {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** git's own count per author (with the fixture's .mailmap), most commits first. */
function shortlog(repo) {
  return git(repo, "shortlog", "-sne", "--branches", "--tags")
    .split("\n")
    .map((line) => /^\s*(\d+)\t(.*) <(.*)>$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ commits: Number(m[1]), name: m[2], email: m[3] }));
}

/** A count as the screen shows it ("1,234") as a number. */
const number = (text) => Number(text.replace(/[^\d]/g, ""));

async function waitForImportEnd(browser) {
  await browser.waitUntil(
    async () =>
      (await browser.$(byTestId("import-result")).isExisting()) || (await browser.$(byTestId("import-error")).isExisting()),
    { timeout: IMPORT_TIMEOUT_MS, timeoutMsg: "the import did not finish" },
  );
  const error = await browser.$(byTestId("import-error"));
  if (await error.isExisting()) assert.fail(`the import failed: ${await error.$(byTestId("error-message")).getText()}`);
}

/** Clicks a kind's tab and Run, then waits for that kind's finished run. */
async function runKind(browser, kind) {
  await browser.$(byTestId(`analysis-kind-${kind}`)).click();
  await browser.$(byTestId("analysis-run-button")).click();
  const info = await browser.$(`${byTestId("analysis-run-info")}[data-kind="${kind}"]`);
  await browser.waitUntil(
    async () => (await info.isExisting()) || (await browser.$(byTestId("error-banner")).isExisting()),
    { timeout: ANALYSIS_TIMEOUT_MS, timeoutMsg: `the ${kind} analysis did not finish` },
  );
  const banner = await browser.$(byTestId("error-banner"));
  if (await banner.isExisting()) assert.fail(`the ${kind} analysis failed: ${await banner.getText()}`);
  assert.equal(await info.getAttribute("data-status"), "done", `the ${kind} run is done`);
}

test("run an authors and a tech-spec analysis and check their numbers against git", async (t) => {
  const repo = makeRepo(200);
  const name = basename(repo);
  const dataDir = tempDir("data");
  const expectedAuthors = shortlog(repo);
  assert.ok(expectedAuthors.length > 1, "the fixture has several authors");
  const top = expectedAuthors[0];
  const rustFiles = git(repo, "-c", "core.quotepath=off", "ls-tree", "-r", "--name-only", "HEAD")
    .split("\n")
    .filter((path) => path.endsWith(".rs")).length;
  assert.ok(rustFiles > 0, "the fixture has Rust files at HEAD");
  t.diagnostic(`git: top author ${top.name} <${top.email}> with ${top.commits} commits; ${rustFiles} *.rs files at HEAD`);

  await withApp(t, "analysis", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    // --- Add and import the repository through the path field ---
    await browser.$(byTestId("empty-state")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the empty store did not show" });
    await browser.$(byTestId("import-path")).setValue(repo);
    await browser.$(byTestId("import-submit")).click();
    await waitForImportEnd(browser);
    const row = await browser.$(`${byTestId("repo-row")}[data-repo-name="${name}"]`);
    await row.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: `no row for ${name} after the import` });

    // --- Analyses: the repository is chosen, no runs yet ---
    await browser.$(byTestId("nav-analyses")).click();
    const select = await browser.$(byTestId("analysis-repo"));
    await select.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the Analyses page did not show" });
    await browser.waitUntil(async () => (await select.getValue()) === name, {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: `the Analyses page did not choose ${name}`,
    });
    await browser.$(byTestId("analysis-runs-empty")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no empty run list" });

    // --- Authors: the top row equals git shortlog's top author ---
    await runKind(browser, "authors");
    const first = await browser.$(`${byTestId("authors-table")} ${byTestId("authors-table-row")}`);
    await first.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no author rows" });
    const shownCommits = number(await first.$(byTestId("author-commits")).getText());
    const shownName = await first.$(byTestId("author-name")).getText();
    t.diagnostic(`screen: top author "${shownName}" with ${shownCommits} commits`);
    assert.equal(shownCommits, top.commits, "the top author's commits equal git shortlog's");
    const tied = expectedAuthors.filter((a) => a.commits === top.commits).map((a) => a.name);
    assert.ok(tied.some((n) => shownName.startsWith(n)), `the top author is one of ${tied.join(", ")}`);
    assert.equal(await browser.$$(byTestId("analysis-run")).length, 1, "the run is listed");
    await screenshot(t, browser, "analysis-authors");

    // Running it again reuses the stored result (nothing changed).
    await browser.$(byTestId("analysis-run-button")).click();
    await browser.$(byTestId("analysis-reused")).waitForExist({ timeout: ANALYSIS_TIMEOUT_MS, timeoutMsg: "the second run was not reused" });

    // --- Leaving the top author out: git's next author is on top, and the app says who went ---
    await browser.$(byTestId("param-excludeAuthors")).setValue(top.email.toUpperCase());
    await browser.$(byTestId("analysis-run-button")).click();
    const notice = await browser.$(byTestId("analysis-left-out"));
    await notice.waitForExist({ timeout: ANALYSIS_TIMEOUT_MS, timeoutMsg: "no left-out notice after leaving an author out" });
    const leftOut = await notice.getText();
    t.diagnostic(`screen: ${leftOut}`);
    assert.ok(leftOut.includes(top.name) && leftOut.includes(`${top.commits.toLocaleString("en-US")} commits`), leftOut);
    const rest = expectedAuthors.filter((a) => a.email !== top.email);
    const next = await browser.$(`${byTestId("authors-table")} ${byTestId("authors-table-row")}`);
    assert.equal(number(await next.$(byTestId("author-commits")).getText()), rest[0].commits, "the next author's commits equal git's");
    const names = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="author-name"]')].map((cell) => cell.textContent ?? ""),
    );
    assert.equal(names.length, rest.length, "every other author is listed");
    await screenshot(t, browser, "analysis-authors-filtered");

    // --- Tech spec: Rust's file count equals the *.rs files at HEAD ---
    await runKind(browser, "techspec");
    const languages = await browser.$(byTestId("languages-table"));
    await languages.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no languages table" });
    const rows = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="languages-table-row"]')].map((r) => ({
        language: r.querySelector('[data-testid="language-name"]')?.textContent ?? "",
        files: r.querySelector('[data-testid="language-files"]')?.textContent ?? "",
      })),
    );
    t.diagnostic(`screen: languages ${JSON.stringify(rows)}`);
    const rust = rows.find((r) => r.language === "Rust");
    assert.ok(rust !== undefined, "Rust is listed");
    assert.equal(number(rust.files), rustFiles, "Rust's file count equals git's *.rs files at HEAD");
    const dependencies = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="dependencies-table-row"]')].map((r) => r.textContent ?? ""),
    );
    assert.ok(dependencies.some((text) => text.includes("serde")), "Cargo.toml's serde is among the dependencies");
    await screenshot(t, browser, "analysis-techspec");
  });
});
