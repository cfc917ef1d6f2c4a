// Speed of the REAL app window on a large store (a benchmark, not a test: run through
// `scripts/bench.sh ui`, which prepares the store). Measures, in the webview itself:
//   - launch to the first page of commits: from starting the app (tauri-driver session) to the
//     first History row, and the History page's own time from the click to the first row;
//   - scrolling from the top to the bottom of the whole list: how long it takes and how many
//     animation frames showed the "loading" row instead of commits (blank rows);
//   - opening a commit with a 5 MB diff: from Enter to its first diff lines on screen, and the
//     longest main-thread stall meanwhile (the window must not freeze).
// Prints one JSON line prefixed `ui-bench:`; bench.sh turns it into the README table.

import { test } from "node:test";
import assert from "node:assert/strict";

import { byTestId, screenshot, UI_TIMEOUT_MS, withApp } from "./app.mjs";

const DATA_DIR = process.env.REPOVAULT_BENCH_DATA_DIR;
const BIG_HASH = process.env.REPOVAULT_BENCH_BIG_DIFF_HASH;

test("speed on a large store", { timeout: 900_000 }, async (t) => {
  assert.ok(DATA_DIR && BIG_HASH, "run through scripts/bench.sh ui");
  const results = {};
  const launched = Date.now();
  await withApp(t, "bench-large-store", { REPOVAULT_DATA_DIR: DATA_DIR }, async (browser) => {
    await browser.$(byTestId("nav-history")).waitForExist({ timeout: UI_TIMEOUT_MS });
    // Scrolling 100,000 rows takes minutes, far beyond WebDriver's 30 s default for a script.
    await browser.setTimeout({ script: 900_000 });
    // The History page's own time: click to first row, timed inside the page.
    results.history_first_page_ms = await browser.executeAsync((done) => {
      const started = performance.now();
      const seen = () => document.querySelector('[data-testid="commit-row"]') !== null;
      const observer = new MutationObserver(() => {
        if (seen()) {
          observer.disconnect();
          done(Math.round(performance.now() - started));
        }
      });
      observer.observe(document.body, { subtree: true, childList: true });
      document.querySelector('[data-testid="nav-history"]').click();
    });
    results.launch_to_first_page_ms = Date.now() - launched;
    results.total_label = await browser.$(byTestId("history-summary")).getText();
    console.log(`ui-bench first page: ${JSON.stringify(results)}`);

    // Scroll to the bottom as fast as the list lets us: one viewport per animation frame.
    results.scroll = await browser.executeAsync((done) => {
      const list = document.querySelector('[data-testid="commit-list"]');
      const started = performance.now();
      let frames = 0;
      let blankFrames = 0;
      let longestGap = 0;
      let last = started;
      const step = (now) => {
        frames += 1;
        longestGap = Math.max(longestGap, now - last);
        last = now;
        const box = list.getBoundingClientRect();
        const visible = [...list.querySelectorAll('[data-testid="commit-row"], [data-testid="commit-list-status"]')].filter(
          (row) => {
            const r = row.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          },
        );
        const status = visible.some((row) => row.getAttribute("data-testid") === "commit-list-status");
        if (status || visible.length === 0) blankFrames += 1;
        const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 2;
        if (atEnd && document.querySelector('[data-testid="commit-list-status"]') === null) {
          const rows = [...list.querySelectorAll('[data-testid="commit-row"]')];
          done({
            ms: Math.round(now - started),
            frames,
            blank_frames: blankFrames,
            longest_frame_ms: Math.round(longestGap),
            last_index: Math.max(...rows.map((r) => Number(r.getAttribute("data-index")))),
          });
          return;
        }
        list.scrollTop += list.clientHeight;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    console.log(`ui-bench scroll: ${JSON.stringify(results.scroll)}`);
    await screenshot(t, browser, "bench-scrolled-to-bottom");

    // Open the commit with the 5 MB diff: search its hash, Enter, first diff lines.
    const search = await browser.$(byTestId("history-search"));
    await search.setValue(`hash:${BIG_HASH}`);
    await browser.keys(["Enter"]);
    await browser.waitUntil(
      async () => (await browser.$(byTestId("commit-row")).getAttribute("data-hash")) === BIG_HASH,
      { timeout: UI_TIMEOUT_MS, timeoutMsg: "the big commit was not found" },
    );
    await browser.$(byTestId("commit-row")).click();
    results.big_diff = await browser.executeAsync((done) => {
      const started = performance.now();
      let last = started;
      let longestGap = 0;
      const tick = (now) => {
        longestGap = Math.max(longestGap, now - last);
        last = now;
        const line = document.querySelector('[data-testid="diff-line"]');
        if (line !== null) {
          done({ first_lines_ms: Math.round(now - started), longest_frame_ms: Math.round(longestGap) });
          return;
        }
        if (now - started > 30_000) {
          done({ first_lines_ms: null, longest_frame_ms: Math.round(longestGap) });
          return;
        }
        requestAnimationFrame(tick);
      };
      (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      requestAnimationFrame(tick);
    });
    await screenshot(t, browser, "bench-big-diff");
  });
  console.log(`ui-bench: ${JSON.stringify(results)}`);
  assert.ok(results.scroll.last_index > 1000, "the whole list was scrolled");
});
