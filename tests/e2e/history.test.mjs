// End-to-end test of adding a repository and reading its history in the REAL RepoVault window:
// a generated git repository (tests/fixtures/make-repo.py) is added through the path field, the
// import runs in the app with its progress bar, and the History page lists, searches, opens and
// navigates its commits with the keyboard. Helpers in app.mjs; run through ./run.sh.

import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, ROOT, screenshot, tempDir, UI_TIMEOUT_MS, withApp } from "./app.mjs";

const MAKE_REPO = join(ROOT, "tests/fixtures/make-repo.py");
const IMPORT_TIMEOUT_MS = 120_000;

function makeRepo(commits) {
  const dest = join(tempDir("git"), "demo-history");
  execFileSync("python3", [MAKE_REPO, dest, "--commits", String(commits)], { stdio: ["ignore", "pipe", "pipe"] });
  return dest;
}

function git(repo, ...args) {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

/** The rendered commit rows, read in one round trip. */
function commitRows(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="commit-row"]')].map((row) => ({
      index: Number(row.getAttribute("data-index")),
      hash: row.getAttribute("data-hash"),
      author: row.querySelector('[data-testid="commit-author"]')?.textContent ?? "",
      selected: row.getAttribute("aria-selected") === "true",
    })),
  );
}

/**
 * The rendered width of TEXT in the font of the author cell that shows it, beside the width of as
 * many code points that no font has (U+10FFFD, drawn as missing-glyph boxes).
 */
function glyphWidths(browser, text) {
  return browser.execute((text) => {
    const cell = [...document.querySelectorAll('[data-testid="commit-author"]')].find((el) => el.textContent === text);
    const style = getComputedStyle(cell);
    const width = (content) => {
      const probe = document.createElement("span");
      probe.style.font = style.font;
      probe.style.position = "absolute";
      probe.style.whiteSpace = "pre";
      probe.textContent = content;
      document.body.appendChild(probe);
      const w = probe.getBoundingClientRect().width;
      probe.remove();
      return w;
    };
    return {
      text: width(text),
      boxes: width("\u{10FFFD}".repeat([...text].length)),
      fontSize: parseFloat(style.fontSize),
    };
  }, text);
}

/** Presses keys one after the other (browser.keys([...]) holds them all down together). */
async function press(browser, ...keys) {
  for (const key of keys) await browser.keys([key]);
}

async function selectedIndex(browser) {
  const rows = await commitRows(browser);
  const selected = rows.filter((r) => r.selected);
  return selected.length === 1 ? selected[0].index : null;
}

async function waitForTotal(browser, expected, message) {
  await browser.waitUntil(
    async () => (await browser.$(byTestId("history-summary")).getAttribute("data-total")) === String(expected),
    { timeout: UI_TIMEOUT_MS, timeoutMsg: message },
  );
}

/** Watches the page for the import progress bar (an import of a small repository is quick). */
function watchProgress(browser) {
  return browser.execute(() => {
    const seen = { shown: false, phases: [], counts: [] };
    window.__rvProgress = seen;
    const record = () => {
      const bar = document.querySelector('[data-testid="import-progress"]');
      if (bar === null) return;
      seen.shown = true;
      const phase = bar.querySelector('[data-testid="import-phase"]')?.textContent ?? "";
      if (phase !== "" && !seen.phases.includes(phase)) seen.phases.push(phase);
      const count = bar.querySelector('[data-testid="import-count"]')?.textContent ?? "";
      if (count !== "" && !seen.counts.includes(count)) seen.counts.push(count);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    record();
  });
}

async function waitForImportEnd(browser) {
  await browser.waitUntil(
    async () =>
      (await browser.$(byTestId("import-result")).isExisting()) || (await browser.$(byTestId("import-error")).isExisting()),
    { timeout: IMPORT_TIMEOUT_MS, timeoutMsg: "the import did not finish" },
  );
  const error = await browser.$(byTestId("import-error"));
  if (await error.isExisting()) {
    assert.fail(`the import failed: ${await error.$(byTestId("error-message")).getText()}`);
  }
  return browser.$(byTestId("import-result-text")).getText();
}

test("add a repository by path, import it with progress, then browse, search, open and navigate its history", async (t) => {
  const repo = makeRepo(300);
  const name = basename(repo);
  const expected = Number(git(repo, "rev-list", "--count", "--branches", "--tags"));
  const aliceCount = git(repo, "log", "--branches", "--tags", "-i", "--author=alice", "--format=%H").split("\n").length;
  t.diagnostic(`${repo}: ${expected} commits, ${aliceCount} by alice`);
  const dataDir = tempDir("history");

  await withApp(t, "history-keyboard", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    // --- Add repository through the path field ---
    await browser.$(byTestId("empty-state")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the empty store did not show" });
    await browser.$(byTestId("import-path")).setValue(repo);
    await watchProgress(browser);
    await browser.$(byTestId("import-submit")).click();
    const result = await waitForImportEnd(browser);
    t.diagnostic(`import result: ${result}`);
    assert.match(result, new RegExp(`^${name}: imported ${expected} new commits in `));
    const progress = await browser.execute(() => window.__rvProgress);
    t.diagnostic(`progress seen: ${JSON.stringify(progress)}`);
    assert.equal(progress.shown, true, "the progress bar showed while importing");
    assert.ok(progress.phases.length > 0, "the progress bar named a phase");

    const row = await browser.$(`${byTestId("repo-row")}[data-repo-name="${name}"]`);
    await row.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: `no row for ${name} after the import` });
    await browser.waitUntil(async () => (await row.$(byTestId("repo-commit-count")).getAttribute("data-value")) === String(expected), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: `the commit count shown is not ${expected}`,
    });
    assert.equal(await row.$(byTestId("repo-commit-count")).getText(), String(expected));
    assert.equal(await row.$(byTestId("repo-path")).getText(), repo);
    await screenshot(t, browser, "import-done");

    // Sync of an unchanged repository: nothing new.
    await browser.$(byTestId("import-result")).$("button").click();
    await row.$(byTestId("repo-sync")).click();
    const synced = await waitForImportEnd(browser);
    assert.equal(synced, `${name} is up to date; nothing new to import.`);

    // A folder that is not a repository: a readable error, nothing added.
    await browser.$(byTestId("import-result")).$("button").click();
    await browser.$(byTestId("import-path")).setValue(dataDir);
    await browser.$(byTestId("import-submit")).click();
    const failure = await browser.$(byTestId("import-error"));
    await failure.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no error for a folder that is not a repository" });
    assert.equal(await failure.getAttribute("data-error-code"), "not_a_repository");
    assert.equal(await failure.$(byTestId("error-code")).getText(), "not_a_repository");
    assert.match(await failure.$(byTestId("error-message")).getText(), /is not a git repository/);
    assert.equal((await browser.$$(byTestId("repo-row"))).length, 1);
    await screenshot(t, browser, "import-error");

    // --- History: rows appear, and the list grows page by page as it scrolls ---
    await browser.$(byTestId("nav-history")).click();
    await browser.$(byTestId("commit-row")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no commit rows in History" });
    await waitForTotal(browser, expected, `History does not say ${expected} commits`);
    const first = await commitRows(browser);
    assert.ok(first.length >= 10, `rows are rendered (${first.length})`);
    assert.ok(first.length < expected, "the list is virtualised: not every commit is in the DOM");
    assert.deepEqual(
      first.slice(0, 5).map((r) => r.index),
      [0, 1, 2, 3, 4],
    );
    const newest = git(repo, "log", "--branches", "--tags", "--date-order", "-1", "--format=%H");
    t.diagnostic(`newest by git: ${newest}, first row: ${first[0].hash}`);
    await screenshot(t, browser, "history");

    await browser.waitUntil(
      async () => {
        await browser.execute(() => {
          const list = document.querySelector('[data-testid="commit-list"]');
          list.scrollTop = list.scrollHeight;
        });
        const rows = await commitRows(browser);
        return rows.some((r) => r.index === expected - 1);
      },
      { timeout: UI_TIMEOUT_MS, interval: 300, timeoutMsg: "scrolling did not reach the last commit" },
    );
    const last = await commitRows(browser);
    assert.equal(new Set(last.map((r) => r.hash)).size, last.length, "no row is shown twice");
    assert.equal(await browser.$(byTestId("commit-list-status")).isExisting(), false, "every page has arrived");
    await browser.execute(() => {
      document.querySelector('[data-testid="commit-list"]').scrollTop = 0;
    });

    // --- Search: `/` focuses the box, Enter runs it, every row is Alice's ---
    await browser.$(byTestId("commit-list")).click();
    await browser.keys(["/"]);
    const focused = await browser.execute(() => document.activeElement?.getAttribute("data-testid"));
    assert.equal(focused, "history-search", "/ focuses the search box");
    await browser.$(byTestId("history-search")).addValue("author:alice");
    await browser.keys(["Enter"]);
    await waitForTotal(browser, aliceCount, `the search does not find ${aliceCount} commits by alice`);
    await browser.$(byTestId("commit-row")).waitForExist({ timeout: UI_TIMEOUT_MS });
    const alice = await commitRows(browser);
    assert.ok(alice.length >= 10, `search rows are rendered (${alice.length})`);
    for (const r of alice) assert.equal(r.author, "Alice Kim", `row ${r.index} (${r.hash}) is by ${r.author}`);
    await screenshot(t, browser, "search");

    // A search that cannot be understood: a readable error.
    const search = await browser.$(byTestId("history-search"));
    await search.clearValue();
    await search.setValue("colour:blue");
    await browser.keys(["Enter"]);
    const banner = await browser.$(byTestId("error-banner"));
    await banner.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "no error for an unknown search key" });
    assert.equal(await banner.$(byTestId("error-code")).getText(), "query");
    assert.match(await banner.$(byTestId("error-message")).getText(), /unknown search key "colour"/);
    await screenshot(t, browser, "search-error");
    await search.clearValue();
    await search.setValue("author:alice");
    await browser.keys(["Enter"]);
    await waitForTotal(browser, aliceCount, "the search did not come back");
    await browser.$(byTestId("commit-row")).waitForExist({ timeout: UI_TIMEOUT_MS });

    // --- Non-Latin text shows as real glyphs (the machine needs a CJK font: fonts-noto-cjk) ---
    await search.clearValue();
    await search.setValue("author:chulsoo");
    await browser.keys(["Enter"]);
    await browser.waitUntil(async () => (await commitRows(browser)).some((r) => r.author === "김철수"), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "no row by 김철수",
    });
    const glyphs = await glyphWidths(browser, "김철수");
    t.diagnostic(`rendered widths: ${JSON.stringify(glyphs)}`);
    // Hangul syllables are full-width (about 1 em each) in a CJK font; with no font for them, each
    // draws as the same missing-glyph box as a code point no font has.
    assert.ok(
      Math.abs(glyphs.text - glyphs.boxes) > 0.15 * glyphs.boxes,
      `Korean text renders as missing-glyph boxes (${glyphs.text}px, boxes ${glyphs.boxes}px): is a CJK font installed?`,
    );
    assert.ok(glyphs.text >= 0.85 * 3 * glyphs.fontSize, `three Hangul syllables are about 3 em wide (${glyphs.text}px)`);
    await screenshot(t, browser, "korean-author");
    await search.clearValue();
    await search.setValue("author:alice");
    await browser.keys(["Enter"]);
    await waitForTotal(browser, aliceCount, "the search did not come back");
    await browser.$(byTestId("commit-row")).waitForExist({ timeout: UI_TIMEOUT_MS });

    // --- Open a commit: metadata and coloured diff lines ---
    const rows = await commitRows(browser);
    await browser.$(`${byTestId("commit-row")}[data-index="0"]`).click();
    const view = await browser.$(byTestId("commit-view"));
    await view.waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "clicking a row did not open the commit" });
    await browser.$(byTestId("commit-full-hash")).waitForExist({ timeout: UI_TIMEOUT_MS });
    assert.equal(await browser.$(byTestId("commit-full-hash")).getText(), rows[0].hash);
    assert.match(await browser.$(byTestId("commit-view-author")).getText(), /^Alice Kim <alice@example\.com>/);
    assert.equal(await view.getAttribute("data-hash"), rows[0].hash);
    await browser.$(byTestId("copy-hash")).click();
    await browser.waitUntil(async () => (await browser.$(byTestId("copy-hash")).getText()) !== "Copy", {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the copy button did not answer",
    });
    assert.equal(await browser.$(byTestId("copy-hash")).getText(), "Copied");
    // Diff lines load per file after the commit's metadata: wait until the files in view have
    // theirs (at least one ready, none still loading) before reading them.
    await browser.waitUntil(
      () =>
        browser.execute(
          () =>
            document.querySelector('[data-testid="file-diff"][data-state="ready"]') !== null &&
            document.querySelector('[data-testid="file-diff"][data-state="loading"]') === null,
        ),
      { timeout: UI_TIMEOUT_MS, timeoutMsg: "no file's diff lines loaded" },
    );
    const kinds = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="diff-line"]')].map((l) => l.getAttribute("data-kind")),
    );
    t.diagnostic(`diff lines of ${rows[0].hash}: ${kinds.length}`);
    assert.ok(kinds.includes("hunk"), "the diff has hunk headers");
    assert.ok(kinds.includes("add") || kinds.includes("del"), "the diff has added or removed lines");
    const numstat = git(repo, "show", "--numstat", "--format=", "-M", "--first-parent", rows[0].hash)
      .split("\n")
      .filter((l) => l !== "");
    assert.equal((await browser.$$(byTestId("file-row"))).length, numstat.length, "one file row per changed file");
    const colours = await browser.execute(() => {
      const style = (kind) => {
        const line = document.querySelector(`[data-testid="diff-line"][data-kind="${kind}"]`);
        return line === null ? null : getComputedStyle(line).backgroundColor;
      };
      return { add: style("add"), del: style("del"), context: style("context") };
    });
    t.diagnostic(`diff colours: ${JSON.stringify(colours)}`);
    if (colours.add !== null && colours.del !== null) assert.notEqual(colours.add, colours.del);
    await screenshot(t, browser, "commit");
    await browser.execute(() => {
      const line = document.querySelector('[data-testid="diff-line"][data-kind="hunk"]');
      const pane = line?.closest(".commit-view__scroll");
      if (line && pane) pane.scrollTop += line.getBoundingClientRect().top - pane.getBoundingClientRect().top - 60;
    });
    await browser.pause(300); // let the webview paint the scrolled pane before the screenshot
    await screenshot(t, browser, "diff");

    // A parent link opens the parent.
    const parent = await browser.$(byTestId("commit-parent"));
    if (await parent.isExisting()) {
      const parentHash = await parent.getAttribute("data-hash");
      await parent.click();
      await browser.waitUntil(async () => (await browser.$(byTestId("commit-view")).getAttribute("data-hash")) === parentHash, {
        timeout: UI_TIMEOUT_MS,
        timeoutMsg: "the parent link did not open the parent",
      });
      await browser.$(byTestId("commit-full-hash")).waitForExist({ timeout: UI_TIMEOUT_MS });
      assert.equal(await browser.$(byTestId("commit-full-hash")).getText(), parentHash);
    }

    // --- Keyboard: Esc closes, j/k move, Enter opens ---
    await browser.$(`${byTestId("commit-row")}[data-index="0"]`).click();
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await browser.$(byTestId("commit-view")).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "Esc did not close the commit",
    });
    assert.equal(await selectedIndex(browser), 0);
    await browser.keys(["j"]);
    assert.equal(await selectedIndex(browser), 1, "j moves down");
    await press(browser, "j", "j");
    assert.equal(await selectedIndex(browser), 3);
    await browser.keys(["k"]);
    assert.equal(await selectedIndex(browser), 2, "k moves up");
    await browser.keys(["ArrowDown"]);
    assert.equal(await selectedIndex(browser), 3, "ArrowDown moves down");
    await browser.keys(["ArrowUp"]);
    assert.equal(await selectedIndex(browser), 2, "ArrowUp moves up");
    assert.equal(await browser.$(byTestId("commit-view")).isExisting(), false, "moving does not open a commit");
    await browser.keys(["Enter"]);
    await browser.$(byTestId("commit-view")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "Enter did not open the commit" });
    assert.equal(await browser.$(byTestId("commit-view")).getAttribute("data-hash"), rows[2].hash);
    await browser.keys(["j"]);
    await browser.waitUntil(async () => (await browser.$(byTestId("commit-view")).getAttribute("data-hash")) === rows[3].hash, {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the open commit did not follow the selection",
    });
    await browser.$(byTestId("commit-full-hash")).waitForExist({ timeout: UI_TIMEOUT_MS });
    assert.equal(await browser.$(byTestId("commit-full-hash")).getText(), rows[3].hash);
    await screenshot(t, browser, "commit-keyboard");
    await browser.keys(["Escape"]);
    await browser.waitUntil(async () => !(await browser.$(byTestId("commit-view")).isExisting()), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "Esc did not close the commit",
    });

    // --- A very large diff (over 256 KiB, kept in the blob store) is shown in pages ---
    const large = git(repo, "-c", "core.quotepath=off", "log", "--branches", "--tags", "--numstat", "--format=C %H", "-M", "--diff-merges=first-parent")
      .split("\n")
      .reduce(
        (found, line) => {
          if (line.startsWith("C ")) return { ...found, hash: line.slice(2) };
          const [added, removed, path] = line.split("\t");
          const lines = Number(added) + Number(removed);
          return found.best === null && lines > 4500 ? { ...found, best: { hash: found.hash, lines, path } } : found;
        },
        { hash: null, best: null },
      ).best;
    assert.ok(large !== null, "the generated repository has a diff of over 4,500 lines");
    t.diagnostic(`large diff: ${large.hash} (${large.lines} changed lines)`);
    await search.clearValue();
    await search.setValue(`hash:${large.hash.slice(0, 12)}`);
    await browser.keys(["Enter"]);
    await waitForTotal(browser, 1, "the hash search did not find the commit");
    await browser.$(`${byTestId("commit-row")}[data-hash="${large.hash}"]`).click();
    // A file's diff is fetched when it comes into view: bring the large file there.
    await browser.waitUntil(
      async () => {
        await browser.execute((path) => {
          const files = [...document.querySelectorAll('[data-testid="file-diff"]')];
          files.find((f) => f.getAttribute("data-path") === path)?.scrollIntoView({ block: "start" });
        }, large.path);
        return browser.$(byTestId("diff-more")).isExisting();
      },
      { timeout: UI_TIMEOUT_MS, interval: 500, timeoutMsg: `no Show more under the large diff of ${large.path}` },
    );
    // Lines of the file whose diff is paged (the commit may change other, small files too).
    const diffLines = () =>
      browser.execute(() => {
        const file = document.querySelector('[data-testid="diff-more"]')?.closest('[data-testid="file-diff"]');
        return file === null || file === undefined ? -1 : file.querySelectorAll('[data-testid="diff-line"]').length;
      });
    assert.equal(await diffLines(), 2000, "the first page of a large diff is 2,000 lines");
    await browser.$(byTestId("diff-more")).click();
    await browser.waitUntil(async () => (await diffLines()) === 4000, {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "Show more did not add the next 2,000 lines",
    });
    await browser.execute(() => document.querySelector('[data-testid="diff-more"]')?.scrollIntoView({ block: "end" }));
    await screenshot(t, browser, "large-diff");
  });
});

test("a long import shows done/total and rate, Cancel stops it keeping what was stored, and Sync finishes it", async (t) => {
  const repo = makeRepo(12000);
  const name = basename(repo);
  const expected = Number(git(repo, "rev-list", "--count", "--branches", "--tags"));
  const dataDir = tempDir("cancel");

  await withApp(t, "import-cancelled", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    await browser.$(byTestId("empty-state")).waitForExist({ timeout: UI_TIMEOUT_MS, timeoutMsg: "the empty store did not show" });
    await browser.$(byTestId("import-path")).setValue(repo);
    await browser.$(byTestId("import-submit")).click();

    // The bar shows the phase, done/total and the rate once commits are being stored.
    const count = await browser.$(byTestId("import-count"));
    await browser.waitUntil(async () => /^\d[\d,]* \/ [\d,]+ commits$/.test(await count.getText()), {
      timeout: IMPORT_TIMEOUT_MS,
      interval: 50,
      timeoutMsg: "the progress bar did not show done/total",
    });
    assert.equal(await browser.$(byTestId("import-phase")).getText(), "Importing commits");
    const shown = await count.getText();
    const rate = await browser.$(byTestId("import-rate")).getText();
    t.diagnostic(`progress: ${shown}, ${rate}`);
    assert.match(rate, /^[\d,]+ commits\/s$/);
    const digits = (text) => Number(text.replace(/[^\d]/g, ""));
    assert.equal(digits(shown.split(" / ")[1]), expected, "the total is every commit to import");
    await screenshot(t, browser, "import-progress");
    await browser.$(byTestId("import-cancel")).click();

    const failure = await browser.$(byTestId("import-error"));
    await failure.waitForExist({ timeout: IMPORT_TIMEOUT_MS, timeoutMsg: "Cancel did not end the import" });
    assert.equal(await failure.getAttribute("data-error-code"), "cancelled");
    assert.match(await failure.$(byTestId("error-message")).getText(), /Everything stored so far is kept/);
    const row = await browser.$(`${byTestId("repo-row")}[data-repo-name="${name}"]`);
    await row.waitForExist({ timeout: UI_TIMEOUT_MS });
    const partial = Number(await row.$(byTestId("repo-commit-count")).getAttribute("data-value"));
    t.diagnostic(`stored before the cancel took effect: ${partial} of ${expected}`);
    assert.ok(partial < expected, "the import stopped before the end");
    await screenshot(t, browser, "import-cancelled-row");

    // Sync resumes and finishes: the count becomes git's.
    await row.$(byTestId("repo-sync")).click();
    const result = await waitForImportEnd(browser);
    const imported = /^[^:]+: imported ([\d,.\s\u00a0\u202f]+) new commits in /.exec(result);
    assert.ok(imported !== null, result);
    assert.equal(digits(imported[1]), expected - partial, "the sync imports exactly what the cancelled run left");
    await browser.waitUntil(async () => (await row.$(byTestId("repo-commit-count")).getAttribute("data-value")) === String(expected), {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: `the commit count did not become ${expected}`,
    });
  });
});
