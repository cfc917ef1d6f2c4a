// Shared helpers of the end-to-end tests: start the REAL RepoVault debug binary
// (target/debug/repovault) in its real WebKitGTK webview through tauri-driver + WebKitWebDriver.
// Run through ./run.sh, which provides the X server and session bus; nothing here builds anything.
//
// The app reads its data folder and database URL from the environment, and tauri-driver hands
// the environment of its own process down to the app. So every test starts its own tauri-driver
// with the environment that test needs (see startApp), and stops it afterwards.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

import { remote } from "webdriverio";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, "../..");
export const APP = process.env.REPOVAULT_APP ?? join(ROOT, "target/debug/repovault");
export const CLI = process.env.REPOVAULT_CLI ?? join(ROOT, "target/debug/repovault-cli");
export const SCREENSHOTS = join(HERE, "screenshots");
const TAURI_DRIVER =
  process.env.TAURI_DRIVER ??
  (existsSync(join(homedir(), ".cargo/bin/tauri-driver")) ? join(homedir(), ".cargo/bin/tauri-driver") : "tauri-driver");
/** How long the window may take to show its first answer (cold WebKit start on 2 cores). */
export const UI_TIMEOUT_MS = 45_000;

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

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `repovault-e2e-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** A push-event payload as a forge sends it: `count` commits to repository `repo`. */
export function pushEvent(repo, count, seed) {
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

export function ingest(dataDir, event) {
  const file = join(dataDir, `event-${event.repository.name}.json`);
  writeFileSync(file, JSON.stringify(event, null, 2));
  execFileSync(CLI, ["--data-dir", dataDir, "ingest-event", file], {
    env: withoutStoreEnv(process.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The environment minus any store settings inherited from the caller's shell. */
export function withoutStoreEnv(env) {
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
export async function startApp(env) {
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
export async function withApp(t, name, env, body) {
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

export const byTestId = (id) => `[data-testid="${id}"]`;

/** The pid of the newest running app process (APP), read from /proc (no procps needed). */
export function appPid() {
  let newest = null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let argv0;
    try {
      argv0 = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[0];
    } catch {
      continue; // gone meanwhile
    }
    if (argv0 === APP && (newest === null || Number(entry) > newest)) newest = Number(entry);
  }
  if (newest === null) throw new Error(`no running ${APP}`);
  return newest;
}

/** Saves a screenshot named `name` in screenshots/ now (withApp also saves one at the end). */
export async function screenshot(t, browser, name) {
  const file = join(SCREENSHOTS, `${name}.png`);
  await browser.saveScreenshot(file);
  t.diagnostic(`screenshot: ${file}`);
}
