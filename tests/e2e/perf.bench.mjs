// Speed of the REAL app window on a large store (a benchmark, not a test: run through
// `scripts/bench.sh ui`, which prepares the store). Measures, in the webview itself:
//   - launch to the first page of commits: from starting the app (tauri-driver session) to the
//     first History row, and the History page's own time from the click to the first row;
//   - jumps (a dragged scrollbar): from the jump to a viewport of real rows, to the end and to
//     spread positions;
//   - scrolling from the top to the bottom of the whole list: how long it takes and how many
//     animation frames showed a placeholder row instead of commits (blank rows);
//   - opening a commit with a 5 MB diff: from Enter to its first diff lines on screen, and the
//     longest main-thread stall meanwhile (the window must not freeze).
// Prints one JSON line prefixed `ui-bench:`; bench.sh turns it into the README table.

import { test } from "node:test";
import assert from "node:assert/strict";

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { appPid, byTestId, screenshot, UI_TIMEOUT_MS, withApp } from "./app.mjs";

/** Milliseconds from the app process's start to the webview's first contentful paint. */
async function appStartToFirstPaint(browser) {
  const pid = appPid();
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const now = Date.now();
  // Field 22 of /proc/PID/stat, counted after the ")" that ends the command name.
  const startTicks = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[19]);
  const processStart = now - (uptime - startTicks / ticks) * 1000;
  const page = await browser.execute(() => {
    const entry = performance.getEntriesByName("first-contentful-paint")[0];
    const loaded = performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd;
    return { origin: performance.timeOrigin, paint: entry?.startTime ?? loaded ?? 0 };
  });
  // Where the time goes: before the webview starts loading the page, and loading to first paint.
  console.log(`ui-bench start: process to page load ${Math.round(page.origin - processStart)} ms, page load to first paint ${Math.round(page.paint)} ms`);
  return Math.round(page.origin + page.paint - processStart);
}

const DATA_DIR = process.env.REPOVAULT_BENCH_DATA_DIR;
const BIG_HASH = process.env.REPOVAULT_BENCH_BIG_DIFF_HASH;
/** The steady scroll: 2,500 rows (about 80 screenfuls) a second, 40 s for 100,000 rows. */
const ROWS_PER_SECOND = 2_500;
/** A brisk wheel: 300 rows (ten screenfuls) a second. */
const WHEEL_ROWS_PER_SECOND = 300;

test("speed on a large store", { timeout: 900_000 }, async (t) => {
  assert.ok(DATA_DIR && BIG_HASH, "run through scripts/bench.sh ui");
  const results = {};
  // Scrolls the list from `fromRow` (once its rows are filled) at a steady speed, for at most maxMs.
  const steadyScroll = (browser, fromRow, rowsPerSecond, maxMs) =>
    browser.executeAsync((fromRow, rowsPerSecond, maxMs, done) => {
      const list = document.querySelector('[data-testid="commit-list"]');
      const rowHeight = 30;
      list.scrollTop = fromRow * rowHeight;
      let started = null;
      let frames = 0;
      let blankFrames = 0;
      let longestGap = 0;
      let last = 0;
      const step = (now) => {
        const box = list.getBoundingClientRect();
        const visible = [...list.querySelectorAll('[data-testid="commit-row"], [data-testid="commit-row-placeholder"], [data-testid="commit-list-status"]')].filter(
          (row) => {
            const r = row.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          },
        );
        const blank = visible.length === 0 || visible.some((row) => row.getAttribute("data-testid") !== "commit-row");
        if (started === null) {
          // The clock starts once the first position shows real rows.
          if (!blank) started = last = now;
          requestAnimationFrame(step);
          return;
        }
        frames += 1;
        longestGap = Math.max(longestGap, now - last);
        last = now;
        if (blank) blankFrames += 1;
        const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 2;
        if ((atEnd && !blank) || now - started > maxMs) {
          const seconds = (now - started) / 1000;
          done({
            rows_per_second: rowsPerSecond,
            from_row: fromRow,
            ms: Math.round(now - started),
            frames,
            fps: Math.round(frames / seconds),
            blank_frames: blankFrames,
            longest_frame_ms: Math.round(longestGap),
            last_index: Math.max(...visible.map((r) => Number(r.getAttribute("data-index")))),
          });
          return;
        }
        list.scrollTop = (fromRow + ((now - started) / 1000) * rowsPerSecond) * rowHeight;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }, fromRow, rowsPerSecond, maxMs);
  const launched = Date.now();
  await withApp(t, "bench-large-store", { REPOVAULT_DATA_DIR: DATA_DIR }, async (browser) => {
    await browser.$(byTestId("nav-history")).waitForExist({ timeout: UI_TIMEOUT_MS });
    // Scrolling 100,000 rows takes minutes, far beyond WebDriver's 30 s default for a script.
    await browser.setTimeout({ script: 900_000 });
    // The app's own start, without WebDriver's session set-up: from the process start (its age
    // from /proc, 10 ms resolution) to the webview's first contentful paint.
    results.process_to_first_paint_ms = await appStartToFirstPaint(browser);
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
    results.launch_to_first_page_wall_ms = Date.now() - launched;
    // Launch to first page as a user sees it: the app's start to its first paint, plus History's
    // click to first row (WebDriver's own start-up and the time until the click left out).
    results.launch_to_first_page_ms = results.process_to_first_paint_ms + results.history_first_page_ms;
    results.total_label = await browser.$(byTestId("history-summary")).getText();
    console.log(`ui-bench first page: ${JSON.stringify(results)}`);

    // Wait for the exact count: then the list (and its scrollbar) covers every commit.
    await browser.waitUntil(async () => (await browser.$(byTestId("history-summary")).getAttribute("data-total-at-least")) === "false", {
      timeout: UI_TIMEOUT_MS,
      timeoutMsg: "the exact count did not come",
    });
    results.total_label = await browser.$(byTestId("history-summary")).getText();

    // The baseline in the same window: frames per second while a plain div of static text
    // scrolls one pixel per frame (software rendering under Xvfb sets the pace, not the app).
    results.baseline_scroll_fps = await browser.executeAsync((done) => {
      const box = document.createElement("div");
      box.style.cssText = "position:fixed;left:0;top:0;width:900px;height:600px;overflow:auto;background:white;z-index:1000";
      box.innerHTML = Array.from({ length: 2000 }, (_, i) => `<div style="height:30px">row ${i} of plain text</div>`).join("");
      document.body.appendChild(box);
      const started = performance.now();
      let frames = 0;
      const step = (now) => {
        frames += 1;
        if (now - started > 2000) {
          box.remove();
          done(Math.round(frames / ((now - started) / 1000)));
          return;
        }
        box.scrollTop += 1;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });

    // Jumps, as when the scrollbar is dragged: to the end, then to 10 spread positions; each
    // timed from the jump to a viewport of real rows (no placeholder left).
    results.jumps = await browser.executeAsync((done) => {
      const list = document.querySelector('[data-testid="commit-list"]');
      const targets = [1, 0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.05];
      const times = [];
      let lastIndex = -1;
      const next = () => {
        if (times.length === targets.length) {
          const sorted = [...times].sort((a, b) => a - b);
          done({ end_ms: times[0], p50_ms: sorted[Math.floor(sorted.length / 2)], max_ms: sorted.at(-1), last_index: lastIndex });
          return;
        }
        const target = targets[times.length];
        const started = performance.now();
        list.scrollTop = target * (list.scrollHeight - list.clientHeight);
        const check = () => {
          const box = list.getBoundingClientRect();
          const visible = [...list.querySelectorAll('[data-testid="commit-row"], [data-testid="commit-row-placeholder"]')].filter((row) => {
            const r = row.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          });
          const filled = visible.length > 0 && visible.every((row) => row.getAttribute("data-testid") === "commit-row");
          if (filled) {
            if (times.length === 0) lastIndex = Math.max(...visible.map((r) => Number(r.getAttribute("data-index"))));
            times.push(Math.round(performance.now() - started));
            setTimeout(next, 50);
          } else {
            requestAnimationFrame(check);
          }
        };
        requestAnimationFrame(check);
      };
      list.scrollTop = 0;
      setTimeout(next, 200);
    });
    console.log(`ui-bench jumps: ${JSON.stringify(results.jumps)}`);

    // Scroll from the top to the bottom at a steady ROWS_PER_SECOND (a fast fling, far beyond a
    // hand on a wheel; set by time, not per frame, so a slow frame rate cannot stretch the run),
    // counting the frames that showed any placeholder row instead of commits.
    results.scroll = await steadyScroll(browser, 0, ROWS_PER_SECOND, 600_000);
    // A hand on a wheel, from the middle of the list: WHEEL_ROWS_PER_SECOND for 10 s.
    results.wheel = await steadyScroll(browser, 50_000, WHEEL_ROWS_PER_SECOND, 10_000);
    console.log(`ui-bench wheel: ${JSON.stringify(results.wheel)}`);
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
  assert.equal(results.jumps.last_index, results.scroll.last_index, "a jump to the end shows the last row");
});
