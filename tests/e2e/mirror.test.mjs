// The team mirror in the real window: the header badge turns degraded when the PostgreSQL server
// cannot be reached and healthy again after it returns. The server is reached through a small TCP
// proxy on 127.0.0.1 that this test takes down and brings back (stopping the shared test server
// would disturb the other tests). Run through ./run.sh.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { createConnection, createServer } from "node:net";

import { byTestId, CLI, ingest, pushEvent, tempDir, UI_TIMEOUT_MS, withApp, withoutStoreEnv } from "./app.mjs";

/** A proxy to `target` (host:port) that can refuse and drop every connection. */
async function startProxy(target) {
  const [host, port] = target.split(":");
  const sockets = new Set();
  let up = true;
  const server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = createConnection({ host, port: Number(port) });
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    down() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      up = true;
    },
    close: () => server.close(),
  };
}

/** The CLI, run asynchronously: the proxy lives on this process's event loop. */
async function cli(dataDir, args) {
  const { stdout } = await promisify(execFile)(CLI, ["--data-dir", dataDir, ...args], { env: withoutStoreEnv(process.env), encoding: "utf8" });
  return stdout;
}

test("the mirror badge turns degraded when the server goes away and healthy when it returns", async (t) => {
  const admin = process.env.REPOVAULT_TEST_POSTGRES_URL;
  assert.ok(admin, "REPOVAULT_TEST_POSTGRES_URL is set by the test script");
  const db = `rv_e2e_mirror_${process.pid}`;
  execFileSync("psql", [admin, "-qc", `CREATE DATABASE ${db}`]);
  const [, rest] = admin.split("://");
  const [userinfo, hostAndDb] = rest.split("@");
  const target = hostAndDb.split("/")[0];
  const proxy = await startProxy(target);
  t.after(() => proxy.close());
  const url = `postgres://${userinfo}@127.0.0.1:${proxy.port}/${db}`;

  const dataDir = tempDir("mirror");
  ingest(dataDir, pushEvent("demo", 2, "a1"));
  await cli(dataDir, ["mirror", "enable", url, "--cooldown", "1"]);

  await withApp(t, "mirror", { REPOVAULT_DATA_DIR: dataDir }, async (browser) => {
    const badge = () => browser.$(byTestId("mirror-badge"));
    const waitHealth = async (health, why) =>
      browser.waitUntil(async () => (await badge()).isExisting() && (await (await badge()).getAttribute("data-health")) === health, {
        timeout: UI_TIMEOUT_MS,
        timeoutMsg: why,
      });
    await waitHealth("healthy", "the background drainer did not empty the outbox");
    assert.equal(await (await badge()).getText(), "mirror: healthy");

    proxy.down();
    ingest(dataDir, pushEvent("later", 1, "b2"));
    await waitHealth("degraded", "the badge did not turn degraded while the server was away");
    const text = await (await badge()).getText();
    t.diagnostic(`degraded badge: ${text}`);
    assert.match(text, /^mirror: (breaker open until \d\d:\d\d|retrying)$/);

    proxy.up();
    await waitHealth("healthy", "the badge did not turn healthy after the server returned");
  });
  const status = JSON.parse(await cli(dataDir, ["mirror", "status", "--json"]));
  assert.equal(status.pending, 0);
  const check = JSON.parse(await cli(dataDir, ["mirror", "check", "--json"]));
  assert.equal(check.equal, true);
});
