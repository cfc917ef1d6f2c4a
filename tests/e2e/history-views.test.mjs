// End-to-end test of the history views in the REAL RepoVault window, on a merge-heavy generated
// repository (make-repo.py, plus topic branches merged back and an octopus merge made with git):
// the commit graph beside the History list (screenshots/history-graph.png; a copy from a passing
// run is kept in tests/e2e/kept), a file's history opened from the
// commit view, blame showing the commit git blames for each line, and compare showing git's
// counts. The repository is imported with the CLI first. Helpers in app.mjs; run through ./run.sh.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, CLI, ROOT, screenshot, tempDir, UI_TIMEOUT_MS, withApp } from "./app.mjs";

const MAKE_REPO = join(ROOT, "tests/fixtures/make-repo.py");
const IDENTITY = {
  GIT_AUTHOR_NAME: "Tess Ter",
  GIT_AUTHOR_EMAIL: "tess@example.com",
  GIT_COMMITTER_NAME: "Tess Ter",
  GIT_COMMITTER_EMAIL: "tess@example.com",
};

function git(repo, ...args) {
  return execFileSync("git", ["-C", repo, "-c", "core.quotepath=off", ...args], {
    encoding: "utf8",
    env: { ...process.env, ...IDENTITY, GIT_AUTHOR_DATE: "2030-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2030-01-01T00:00:00Z" },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** A generated history with its topic branches, then three branches merged at once into main. */
function mergeHeavyRepo() {
  const repo = join(tempDir("git"), "demo-graph");
  execFileSync("python3", [MAKE_REPO, repo, "--commits", "400"], { stdio: ["ignore", "pipe", "pipe"] });
  for (const branch of ["o1", "o2", "o3"]) {
    git(repo, "checkout", "-q", "-b", branch, "main");
    execFileSync("sh", ["-c", `echo ${branch} > ${branch}.txt`], { cwd: repo });
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", `work on ${branch}`);
  }
  git(repo, "checkout", "-q", "main");
  git(repo, "merge", "-q", "--no-ff", "-m", "octopus", "o1", "o2", "o3");
  return repo;
}

/** Clicks the button `testId` in the file row of the commit view that names `path`. */
async function clickInFileRow(browser, path, testId) {
  const clicked = await browser.execute(
    (p, id) => {
      const row = [...document.querySelectorAll('[data-testid="file-row"]')].find((r) => r.querySelector(".file-list__path")?.textContent === p);
      const button = row?.querySelector(`[data-testid="${id}"]`);
      button?.click();
      return button !== undefined && button !== null;
    },
    path,
    testId,
  );
  assert.ok(clicked, `a ${testId} button in the row of ${path}`);
}

test("graph, file history, blame and compare against git", async (t) => {
  const repo = mergeHeavyRepo();
  const dataDir = tempDir("data");
  execFileSync(CLI, ["import", repo, "--name", "demo", "--no-backup"], { env: { ...process.env, REPOVAULT_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
  const octopus = git(repo, "rev-parse", "main");
  // The busiest file at main, and the newest non-merge commit that changed it.
  const counts = new Map();
  for (const path of git(repo, "log", "--no-merges", "--format=", "--name-only", "main").split("\n")) {
    if (path !== "" && !path.startsWith("assets/")) counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  const atMain = new Set(git(repo, "ls-tree", "-r", "--name-only", "main").split("\n"));
  const path = [...counts.entries()].filter(([p]) => atMain.has(p) && /^[\x20-\x7e]+$/.test(p)).sort((a, b) => b[1] - a[1])[0][0];
  const touching = git(repo, "log", "-1", "--no-merges", "--format=%H", "main", "--", path);
  const fileLog = git(repo, "log", "--follow", "--format=%H", "--branches", "--tags", "--", path).split("\n");
  const blame = [];
  let current = "";
  for (const line of git(repo, "blame", "--porcelain", touching, "--", path).split("\n")) {
    if (/^[0-9a-f]{40} /.test(line)) current = line.slice(0, 40);
    else if (line.startsWith("\t")) blame.push(current);
  }
  const topic = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/topic-*").split("\n")[0];
  const [leftOnly, rightOnly] = git(repo, "rev-list", "--left-right", "--count", `main...${topic}`).split(/\s+/);
  t.diagnostic(`${path}: ${fileLog.length} commits; blame at ${touching.slice(0, 10)}: ${blame.length} lines; main...${topic}: ${leftOnly} ${rightOnly}`);

  await withApp(t, "history-views", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    await browser.$(byTestId("nav-history")).waitForClickable({ timeout: UI_TIMEOUT_MS });
    await browser.$(byTestId("nav-history")).click();
    await browser.$(byTestId("history-repo")).selectByAttribute("value", "demo");

    // --- The graph: the octopus merge on top with a line to each of its four parents ---
    const top = await browser.$(`${byTestId("graph-cell")}[data-hash="${octopus}"]`);
    await top.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the graph did not show" });
    assert.equal(await top.getAttribute("data-parents"), "4");
    const lanes = await browser.execute(() => new Set([...document.querySelectorAll('[data-testid="graph-cell"]')].map((c) => c.getAttribute("data-lane"))).size);
    assert.ok(lanes >= 3, `the rows in view use ${lanes} lanes`);
    await screenshot(t, browser, "history-graph");

    // --- A file's history, opened from the commit view ---
    await browser.$(byTestId("history-search")).setValue(`hash:${touching.slice(0, 12)}`);
    await browser.keys(["Enter"]);
    await browser.$(byTestId("graph-note")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "a filtered list says why the graph is hidden" });
    const row = await browser.$(`${byTestId("commit-row")}[data-hash="${touching}"]`);
    await row.waitForExist({ timeout: UI_TIMEOUT_MS });
    await row.click();
    await browser.$(byTestId("file-list")).waitForExist({ timeout: UI_TIMEOUT_MS });
    await clickInFileRow(browser, path, "file-history-open");
    await browser.$(byTestId("file-history-row")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the file history did not show" });
    const shown = await browser.execute(() => [...document.querySelectorAll('[data-testid="file-history-row"]')].map((r) => r.getAttribute("data-hash")));
    assert.deepEqual(shown, fileLog, "git log --follow");

    // --- Blame at that commit: the commit git blames, line by line ---
    await clickInFileRow(browser, path, "file-blame-open");
    await browser.$(byTestId("blame-line")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the blame did not show" });
    const blamed = await browser.execute(() => [...document.querySelectorAll('[data-testid="blame-line"]')].map((r) => r.getAttribute("data-commit")));
    assert.deepEqual(blamed, blame, "git blame --porcelain");
    await screenshot(t, browser, "history-blame");

    // --- Compare main with a topic branch ---
    await browser.$(byTestId("blame-close")).click();
    await browser.$(byTestId("history-compare-toggle")).click();
    await browser.$(byTestId("compare-left")).setValue("main");
    await browser.$(byTestId("compare-right")).setValue(topic);
    await browser.$(byTestId("compare-run")).click();
    const result = await browser.$(byTestId("compare-result"));
    await result.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the comparison did not show" });
    assert.equal(await result.getAttribute("data-left-only"), leftOnly);
    assert.equal(await result.getAttribute("data-right-only"), rightOnly);

    // --- Two-dot, and a file of the comparison opens its diff: the lines git diff main..topic adds ---
    // (the topic branch is merged, so its three-dot list is empty; two-dot lists what differs).
    await browser.execute(() => {
      document.querySelector('[data-testid="compare-three-dot"]').click();
      document.querySelector('[data-testid="compare-run"]').click();
    });
    await browser.$(byTestId("compare-file")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the two-dot comparison lists no file" });
    const textFile = git(repo, "diff", "--numstat", `main..${topic}`)
      .split("\n")
      .map((line) => line.split("\t"))
      .find(([added, , path]) => added !== "-" && Number(added) > 0 && !path.includes(" => "))?.[2];
    assert.ok(textFile, "git lists a text file with added lines");
    await browser.execute((p) => [...document.querySelectorAll('[data-testid="compare-file"]')].find((r) => r.dataset.path === p).click(), textFile);
    const diff = await browser.$(`[data-testid="compare-diff"] [data-testid="file-diff"][data-state="ready"]`);
    await diff.waitForExist({ timeout: UI_TIMEOUT_MS }).catch(async () => {
      const shown = await browser.execute(() => document.querySelector('[data-testid="compare-diff"]')?.outerHTML.slice(0, 600) ?? "nothing");
      assert.fail(`the diff of ${textFile} did not show: ${shown}`);
    });
    const added = git(repo, "diff", `main..${topic}`, "--", textFile)
      .split("\n")
      .filter((line) => line.startsWith("+") && !line.startsWith("+++"))
      .map((line) => line.slice(1));
    const diffText = await browser.execute(() => document.querySelector('[data-testid="compare-diff"]')?.textContent ?? "");
    assert.ok(added.length > 0 && diffText.includes(added[0]), `the diff shows git's first added line ${JSON.stringify(added[0])}`);
  });
});
