// Shared set-up of the Backups page tests: the mocked backend and its answers, and opening the page.
import { act, fireEvent, screen } from "@testing-library/react";

import type { BackupInfo } from "../../bindings/BackupInfo";
import type { AppInfo } from "../../shared/api";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { Answers, HeldCall, TauriMock } from "../../shared/testing/tauriMock";

export const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 7, blob_store: "blobs" } };
export const repo = (name: string, commit_count: number) => ({ id: 1, workspace: "default", name, path: null, created_at: 0, last_synced_at: null, commit_count, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null });

export function backupInfo(extra: Partial<BackupInfo> = {}): BackupInfo {
  return {
    path: "/data/backups/repovault-20260301T100000Z-manual.zip",
    name: "repovault-20260301T100000Z-manual.zip",
    destination: "/data/backups",
    size: 4096,
    encrypted: false,
    created_at: "2026-03-01T10:00:00.000Z",
    kind: "manual",
    trigger: "manual",
    manifest: {
      format_version: 1,
      app_version: "0.1.0",
      schema_version: 7,
      kind: "manual",
      trigger: "manual",
      source_backend: "sqlite",
      created_at: "2026-03-01T10:00:00.000Z",
      duration_ms: 100,
      blobs_included: true,
      row_counts: [
        { table: "repositories", rows: 1 },
        { table: "commits", rows: 3 },
        { table: "saved_queries", rows: 0 },
      ],
      workspace_counts: null,
      entries: [],
    },
    damaged: null,
    ...extra,
  };
}

/** What the mocked backend answers with; each test sets what it needs. */
export const kit = {
  backups: [] as BackupInfo[],
  repos: [] as ReturnType<typeof repo>[],
  tauri: undefined as unknown as TauriMock,
  createJob: undefined as unknown as HeldCall<"create_backup">,
};

export function backend(overrides: Answers = {}) {
  kit.tauri.answer({
    store_info: () => Promise.resolve(INFO),
    list_repositories: () => Promise.resolve(kit.repos),
    get_backup_settings: () =>
      Promise.resolve({
        destinations: [{ path: "/data/backups", enabled: true }],
        retention: { keep_last: 10, keep_daily: null, keep_weekly: null, keep_monthly: null },
        large_import_backup: true,
        large_import_backup_threshold: 10000,
        backup_on_exit: false,
      }),
    list_backups: () => Promise.resolve(kit.backups),
    list_schedules: () => Promise.resolve([]),
    preview_schedule: (args) => {
      const spec = args["spec"] as { expression: string };
      return spec.expression === "bad"
        ? Promise.reject({ code: "validation", message: 'invalid cron: "bad" is not a cron expression' })
        : Promise.resolve(["2026-03-02T02:00:00.000Z", "2026-03-03T02:00:00.000Z", "2026-03-04T02:00:00.000Z", "2026-03-05T02:00:00.000Z", "2026-03-06T02:00:00.000Z"]);
    },
    ...overrides,
  });
  kit.createJob = kit.tauri.hold("create_backup");
  if (overrides.create_backup !== undefined) kit.tauri.answer({ create_backup: overrides.create_backup });
}

export const calls: TauriMock["calls"] = (command) => kit.tauri.calls(command);

export async function openBackups() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId("nav-backups"));
  });
}
