// End-to-end smoke test of the REAL RepoVault debug binary (target/debug/repovault) in its real
// WebKitGTK webview, driven through tauri-driver + WebKitWebDriver. Run through ./run.sh, which
// provides the X server and session bus; nothing here builds anything.
//
// The app reads its data folder and database URL from the environment, and tauri-driver hands
// the environment of its own process down to the app. So every test starts its own tauri-driver
// with the environment that test needs (see startApp), and stops it afterwards.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

import { remote } from "webdriverio";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const APP = process.env.REPOVAULT_APP ?? join(ROOT, "target/debug/repovault");
const CLI = process.env.REPOVAULT_CLI ?? join(ROOT, "target/debug/repovault-cli");
const SCREENSHOTS = join(HERE, "screenshots");
const TAURI_DRIVER =
  process.env.TAURI_DRIVER ??
  (existsSync(join(homedir(), ".cargo/bin/tauri-driver")) ? join(homedir(), ".cargo/bin/tauri-driver") : "tauri-driver");
/** How long the window may take to show its first answer (cold WebKit start on 2 cores). */
const UI_TIMEOUT_MS = 45_000;

mkdirSync(SCREENSHOTS, { recursive: true });
for (const [what, path] of [
  ["app binary", APP],
  ["CLI binary", CLI],
]) {
  if (!existsSync(path)) {
    throw new Error(`${what} ${path} is missing: build the UI (npm run build in ui/) and then run cargo build first`);
  }
}

const temps = [];
/** Process groups of the tauri-drivers still running; ended on exit whatever happens. */
const driverGroups = new Set();
process.on("exit", () => {
  for (const pid of driverGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `repovault-e2e-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** A push-event payload as a forge sends it: `count` commits to repository `repo`. */
function pushEvent(repo, count, seed) {
  const commits = Array.from({ length: count }, (_, i) => ({
    id: `${seed}${i}`.padEnd(40, "0").slice(0, 40),
    message: `change ${i + 1} in ${repo}`,
    timestamp: `2024-03-0${i + 1}T10:00:00+02:00`,
    author: { name: "Alice", email: "alice@example.com" },
    added: [`src/file${i}.rs`],
    removed: [],
    modified: ["README.md"],
  }));
  return { ref: "refs/heads/main", pusher: { name: "alice" }, repository: { name: repo }, commits };
}

function ingest(dataDir, event) {
  const file = join(dataDir, `event-${event.repository.name}.json`);
  writeFileSync(file, JSON.stringify(event, null, 2));
  execFileSync(CLI, ["--data-dir", dataDir, "ingest-event", file], {
    env: withoutStoreEnv(process.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The environment minus any store settings inherited from the caller's shell. */
function withoutStoreEnv(env) {
  const copy = { ...env };
  delete copy.REPOVAULT_DATA_DIR;
  delete copy.DATABASE_URL;
  return copy;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForDriver(port, driver, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`tauri-driver did not answer on port ${port} within 30 s:\n${log()}`);
}

/**
 * Starts tauri-driver with `env` added to a clean environment, opens a WebDriver session that
 * launches the app, and returns the browser plus a stop function that ends both.
 */
async function startApp(env) {
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  let output = "";
  const driver = spawn(TAURI_DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...withoutStoreEnv(process.env), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stopping it also ends WebKitWebDriver and the app
  });
  driverGroups.add(driver.pid);
  driver.once("exit", () => driverGroups.delete(driver.pid));
  driver.stdout.on("data", (chunk) => (output += chunk));
  driver.stderr.on("data", (chunk) => (output += chunk));
  const log = () => output.slice(-4000);

  const stopDriver = async () => {
    if (driver.exitCode !== null || driver.signalCode !== null) return;
    const exited = new Promise((r) => driver.once("exit", r));
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      return;
    }
    const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!done) {
      try {
        process.kill(-driver.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };

  try {
    await waitForDriver(port, driver, log);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      connectionRetryCount: 1,
      capabilities: {
        "tauri:options": { application: APP },
        // tauri-driver speaks classic WebDriver only; no BiDi socket.
        "wdio:enforceWebDriverClassic": true,
      },
    });
    const stop = async () => {
      try {
        await browser.deleteSession();
      } catch {
        // the session may already be gone
      }
      await stopDriver();
    };
    return { browser, stop, log };
  } catch (error) {
    await stopDriver();
    throw new Error(`could not start the app through tauri-driver: ${error.message}\n--- tauri-driver output ---\n${log()}`);
  }
}

/** Runs `body` against a fresh app and always saves a screenshot named `name`. */
async function withApp(t, name, env, body) {
  const app = await startApp(env);
  try {
    await body(app.browser);
  } catch (error) {
    t.diagnostic(`tauri-driver output:\n${app.log()}`);
    throw error;
  } finally {
    const file = join(SCREENSHOTS, `${name}.png`);
    try {
      await app.browser.saveScreenshot(file);
      t.diagnostic(`screenshot: ${file}`);
    } catch (error) {
      t.diagnostic(`no screenshot: ${error.message}`);
    }
    await app.stop();
  }
}

const byTestId = (id) => `[data-testid="${id}"]`;

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
