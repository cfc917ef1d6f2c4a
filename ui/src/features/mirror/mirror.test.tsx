import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { App } from "../../app/App";
import type { MirrorStatus } from "../../bindings/MirrorStatus";
import type { AppInfo } from "../../shared/api";
import { renderWithClient } from "../../shared/testing/render";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { clock, describeDifference, mirrorBadge } from "./mirrorRules";

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };

const HEALTHY: MirrorStatus = {
  enabled: true,
  url: "postgres://team:***@db/vault",
  pending: 0,
  breaker: "closed",
  failures: 0,
  open_until: null,
  last_error: null,
  last_error_at: null,
  last_drain_at: 1_700_000_000,
  drained_entries: 12,
  cooldown_seconds: 300,
  health: "healthy",
};
const OPEN: MirrorStatus = { ...HEALTHY, pending: 7, breaker: "open", failures: 3, open_until: 1_700_000_300, last_error: "connection refused", health: "degraded" };
const DISABLED: MirrorStatus = { ...HEALTHY, enabled: false, url: "", health: "disabled" };

describe("mirror rules", () => {
  it("names the badge after the breaker, the pending entries and the last error", () => {
    expect(mirrorBadge(DISABLED)).toBeNull();
    expect(mirrorBadge(HEALTHY)).toEqual({ label: "mirror: healthy", tone: "ok", title: undefined });
    expect(mirrorBadge({ ...HEALTHY, pending: 4, health: "pending" })).toEqual({ label: "mirror: 4 pending", tone: "pending", title: undefined });
    expect(mirrorBadge({ ...HEALTHY, pending: 4, failures: 2, last_error: "timeout" })).toEqual({
      label: "mirror: 4 pending, 2 failed",
      tone: "pending",
      title: "timeout",
    });
    expect(mirrorBadge(OPEN)).toEqual({ label: `mirror: breaker open until ${clock(1_700_000_300)}`, tone: "degraded", title: "connection refused" });
    expect(mirrorBadge({ ...OPEN, breaker: "half_open", open_until: null })?.label).toBe("mirror: retrying");
    expect(clock(0)).toMatch(/^\d\d:\d\d$/);
  });

  it("describes a difference with its counts and commits", () => {
    const d = { repository: "demo", table: "file_changes", primary_rows: 10, mirror_rows: 9, buckets: ["a"], commits: ["abcdef0123456789"] };
    expect(describeDifference(d)).toBe("demo · file_changes: 10 rows here, 9 on the mirror; commits abcdef0123");
    expect(describeDifference({ ...d, repository: null, table: "saved_queries", mirror_rows: 10, commits: [] })).toBe("store · saved_queries: 10 rows, different");
  });
});

describe("the mirror in the window", () => {
  let tauri: TauriMock;
  let status: MirrorStatus;

  beforeEach(() => {
    tauri = mockTauri();
    status = OPEN;
    tauri.answer({
      store_info: () => INFO,
      list_repositories: () => [],
      get_settings: () => ({ data_dir: "/data", database_url: null, database_url_from_env: false }),
      get_mirror_status: () => status,
      get_mirror_fallback: () => ({ available: false, active: false, url: null }),
    });
  });
  afterEach(() => cleanup());

  it("shows the breaker in the header and turns healthy when the status does", async () => {
    let view!: ReturnType<typeof renderWithClient>;
    await act(async () => {
      view = renderWithClient(<App />);
    });
    const badge = await screen.findByTestId("mirror-badge");
    expect(badge.getAttribute("data-health")).toBe("degraded");
    expect(badge.textContent).toBe(`mirror: breaker open until ${clock(1_700_000_300)}`);
    expect(badge.getAttribute("title")).toBe("connection refused");
    view.unmount();
    status = HEALTHY;
    await act(async () => {
      renderWithClient(<App />);
    });
    expect((await screen.findByTestId("mirror-badge")).textContent).toBe("mirror: healthy");
  });

  it("has no badge without a mirror, and enables one from Settings", async () => {
    status = DISABLED;
    tauri.answer({
      enable_mirror: (args) => {
        status = { ...HEALTHY, pending: 3, url: args.url, health: "pending" };
        return status;
      },
    });
    await act(async () => {
      renderWithClient(<App />);
    });
    expect(screen.queryByTestId("mirror-badge")).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-settings"));
    });
    fireEvent.change(await screen.findByTestId("mirror-url"), { target: { value: " postgres://team@db/vault " } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("mirror-enable"));
    });
    expect(tauri.calls("enable_mirror")).toEqual([{ url: "postgres://team@db/vault", cooldownSeconds: null }]);
    expect((await screen.findByTestId("mirror-pending")).textContent).toBe("3 entries");
    expect((await screen.findByTestId("mirror-badge")).textContent).toBe("mirror: 3 pending");
  });

  it("drains, checks and repairs from Settings and lists the differences", async () => {
    tauri.answer({
      drain_mirror: () => ({ entries: 2, commits: 40, pending: 0, breaker: "closed", error: null }),
      check_mirror: () => ({
        repository: null,
        equal: false,
        differences: [{ repository: "demo", table: "commits", primary_rows: 5, mirror_rows: 4, buckets: ["3"], commits: ["3abc"] }],
      }),
      repair_mirror: () => ({ repository: null, equal: true, differences: [] }),
    });
    await act(async () => {
      renderWithClient(<App />);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-settings"));
    });
    expect((await screen.findByTestId("mirror-last-error")).textContent).toBe("connection refused");
    await act(async () => {
      fireEvent.click(screen.getByTestId("mirror-drain"));
    });
    expect(screen.getByTestId("mirror-note").textContent).toBe("Drained 2 entries (40 commits); 0 pending.");
    await act(async () => {
      fireEvent.click(screen.getByTestId("mirror-check"));
    });
    const result = screen.getByTestId("mirror-check-result");
    expect(result.getAttribute("data-equal")).toBe("false");
    expect(result.textContent).toContain("demo · commits: 5 rows here, 4 on the mirror; commits 3abc");
    await act(async () => {
      fireEvent.click(screen.getByTestId("mirror-repair"));
    });
    expect(screen.getByTestId("mirror-check-result").getAttribute("data-equal")).toBe("true");
    expect(tauri.calls("repair_mirror")).toEqual([{ repository: null }]);
  });

  it("offers the mirror read-only when the store cannot be opened, and says so in the header", async () => {
    let fallback = { available: true, active: false, url: "postgres://team:***@db/vault" };
    let opened = false;
    const mirrorInfo: AppInfo = { ...INFO, store: { ...INFO.store, backend: "postgres", location: "db/vault" } };
    tauri.answer({
      store_info: () =>
        opened ? mirrorInfo : Promise.reject({ code: "unavailable", message: "the database file /data/repovault.db is missing" }),
      list_repositories: () => (opened ? [] : Promise.reject({ code: "unavailable", message: "closed" })),
      get_mirror_fallback: () => fallback,
      open_mirror_fallback: () => {
        opened = true;
        fallback = { ...fallback, active: true };
        return mirrorInfo;
      },
    });
    await act(async () => {
      renderWithClient(<App />);
    });
    const offer = await screen.findByTestId("mirror-fallback");
    expect(offer.textContent).toContain("postgres://team:***@db/vault");
    await act(async () => {
      fireEvent.click(screen.getByTestId("mirror-fallback-open"));
    });
    expect(tauri.calls("open_mirror_fallback")).toHaveLength(1);
    const badge = await screen.findByTestId("mirror-badge");
    expect(badge.textContent).toBe("read-only mirror");
    expect(screen.getByTestId("store-backend").textContent).toBe("postgres");
  });
});
