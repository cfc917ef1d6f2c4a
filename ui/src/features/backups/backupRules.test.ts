import { describe, expect, it } from "vitest";

import type { BackupInfo } from "../../bindings/BackupInfo";
import type { BackupManifest } from "../../bindings/BackupManifest";
import type { RestorePreview } from "../../bindings/RestorePreview";
import {
  addDestination,
  automaticForm,
  parseAutomatic,
  sameAutomatic,
  backupFraction,
  compareRows,
  cronSpec,
  describeCreate,
  describeSpec,
  destinationsProblem,
  formatAge,
  formatDuration,
  formatSize,
  keepListed,
  compareWorkspaceRows,
  parseRetention,
  presetExpression,
  removals,
  restoredText,
  retentionForm,
  safetyText,
  scheduleFailed,
  scheduleProblem,
  verificationOf,
  verifiedState,
  workspaceCommitsText,
  workspaceInBackup,
  workspaceScopeText,
  workspaceUnknownReason,
} from "./backupRules";
import type { WorkspaceCount } from "../../bindings/WorkspaceCount";

function manifest(counts: Record<string, number>): BackupManifest {
  return {
    format_version: 1,
    app_version: "0.1.0",
    schema_version: 7,
    kind: "manual",
    trigger: "manual",
    source_backend: "sqlite",
    created_at: "2026-03-01T10:00:00.000Z",
    duration_ms: 120,
    blobs_included: true,
    row_counts: Object.entries(counts).map(([table, rows]) => ({ table, rows })),
    workspace_counts: null,
    entries: [],
  };
}

function backup(extra: Partial<BackupInfo> = {}): BackupInfo {
  return {
    path: "/data/backups/repovault-20260301T100000Z-manual.zip",
    name: "repovault-20260301T100000Z-manual.zip",
    destination: "/data/backups",
    size: 2048,
    encrypted: false,
    created_at: "2026-03-01T10:00:00.000Z",
    kind: "manual",
    trigger: "manual",
    manifest: manifest({ repositories: 1, commits: 3, saved_queries: 0, file_changes: 9 }),
    damaged: null,
    ...extra,
  };
}

describe("formatting", () => {
  it("sizes in binary units", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(1023)).toBe("1023 B");
    expect(formatSize(1024)).toBe("1 KB");
    expect(formatSize(1536 * 1024)).toBe("1.5 MB");
    expect(formatSize(3 * 1024 ** 3)).toBe("3.0 GB");
    expect(formatSize(-1)).toBe("—");
    expect(formatSize(Number.NaN)).toBe("—");
  });

  it("ages from now", () => {
    const now = new Date("2026-03-03T10:00:00Z");
    expect(formatAge("2026-03-03T09:59:30Z", now)).toBe("just now");
    expect(formatAge("2026-03-03T09:55:00Z", now)).toBe("5 min ago");
    expect(formatAge("2026-03-03T07:00:00Z", now)).toBe("3 h ago");
    expect(formatAge("2026-03-02T09:00:00Z", now)).toBe("1 day ago");
    expect(formatAge("2026-03-01T10:00:00Z", now)).toBe("2 days ago");
    expect(formatAge("2026-03-04T10:00:00Z", now)).toBe("in the future");
    expect(formatAge("not a time", now)).toBe("unknown");
  });

  it("durations", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(4200)).toBe("4.2 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
  });

  it("progress fractions, unknown totals as null", () => {
    expect(backupFraction(null)).toBeNull();
    expect(backupFraction({ phase: "archive", done: 5, total: 0, per_second: null })).toBeNull();
    expect(backupFraction({ phase: "archive", done: 5, total: 10, per_second: null })).toBe(0.5);
    expect(backupFraction({ phase: "archive", done: 50, total: 10, per_second: null })).toBe(1);
  });
});

describe("verified or not", () => {
  it("is unverified until this page verified it, then follows the last Verify", () => {
    const b = backup();
    expect(verifiedState(b, {})).toBe("unverified");
    const ok = verificationOf({ path: b.path, ok: true, problems: [], manifest: null, duration_ms: 3 }, "t");
    expect(verifiedState(b, { [b.path]: ok })).toBe("verified");
    const bad = verificationOf({ path: b.path, ok: false, problems: ["entry db.sqlite: sha256 differs"], manifest: null, duration_ms: 3 }, "t");
    expect(bad).toEqual({ status: "problems", problems: ["entry db.sqlite: sha256 differs"], at: "t" });
    expect(verifiedState(b, { [b.path]: bad })).toBe("problems");
    // Another path's result says nothing about this one.
    expect(verifiedState(b, { "/elsewhere.zip": ok })).toBe("unverified");
  });

  it("shows a damaged backup as damaged whatever was verified before", () => {
    const b = backup({ damaged: "not a zip archive", manifest: null });
    const ok = verificationOf({ path: b.path, ok: true, problems: [], manifest: null, duration_ms: 3 }, "t");
    expect(verifiedState(b, { [b.path]: ok })).toBe("damaged");
  });

  it("an ok report with problems is not verified", () => {
    expect(verificationOf({ path: "p", ok: true, problems: ["x"], manifest: null, duration_ms: 1 }, "t").status).toBe("problems");
  });

  it("forgets verifications of backups no longer listed", () => {
    const ok = { status: "ok" as const, at: "t" };
    expect(keepListed({ [backup().path]: ok, "/gone.zip": ok }, [backup()])).toEqual({ [backup().path]: ok });
  });
});

describe("create report", () => {
  it("names the file for one destination and lists failed ones", () => {
    const b = backup();
    expect(describeCreate({ manifest: manifest({}), results: [{ destination: "/data/backups", backup: b, error: null }] })).toEqual({
      text: `Backup written to ${b.path}.`,
      failed: [],
    });
    const two = describeCreate({
      manifest: manifest({}),
      results: [
        { destination: "/a", backup: b, error: null },
        { destination: "/b", backup: b, error: null },
        { destination: "/mnt/off", backup: null, error: { code: "io", message: "no space" } },
      ],
    });
    expect(two.text).toBe("Backup written to 2 destinations.");
    expect(two.failed).toEqual([{ destination: "/mnt/off", message: "no space" }]);
    expect(describeCreate({ manifest: manifest({}), results: [] }).text).toBe("The backup was not written to any destination.");
  });
});

describe("restore comparison", () => {
  const preview = (b: BackupInfo): RestorePreview => ({
    backup: b,
    current: [
      { table: "repositories", rows: 2 },
      { table: "commits", rows: 5 },
      { table: "saved_queries", rows: 1 },
    ],
    current_workspaces: [],
    safety_backup_to: ["/data/backups"],
  });

  it("puts the backup's manifest counts beside the current ones, in the current order", () => {
    expect(compareRows(preview(backup()))).toEqual([
      { table: "repositories", label: "Repositories", current: 2, backup: 1 },
      { table: "commits", label: "Commits", current: 5, backup: 3 },
      { table: "saved_queries", label: "Saved queries", current: 1, backup: 0 },
    ]);
  });

  it("leaves the backup column empty when the manifest cannot be read or lacks a table", () => {
    expect(compareRows(preview(backup({ manifest: null, encrypted: true }))).map((r) => r.backup)).toEqual([null, null, null]);
    const partial = backup({ manifest: manifest({ commits: 4 }) });
    expect(compareRows(preview(partial)).map((r) => r.backup)).toEqual([null, 4, null]);
  });

  it("says where the safety backup goes", () => {
    expect(safetyText(["/data/backups", "/mnt/archive"])).toMatch(/taken first, into \/data\/backups and \/mnt\/archive\./);
    expect(safetyText([])).toMatch(/no destination is enabled/);
  });
});

describe("schedules", () => {
  it("turns presets into cron expressions and tidies a custom one", () => {
    expect(presetExpression("hourly", "")).toBe("0 * * * *");
    expect(presetExpression("daily", "ignored")).toBe("0 3 * * *");
    expect(presetExpression("weekly", "")).toBe("0 3 * * 0");
    expect(presetExpression("custom", "  30  2 * *   1-5 ")).toBe("30 2 * * 1-5");
    expect(presetExpression("custom", "   ")).toBe("");
    expect(cronSpec("0 3 * * *", "Europe/Berlin")).toEqual({ type: "cron", expression: "0 3 * * *", timezone: "Europe/Berlin" });
  });

  it("describes specs", () => {
    expect(describeSpec({ type: "cron", expression: "0 3 * * *", timezone: null })).toBe("0 3 * * *");
    expect(describeSpec({ type: "cron", expression: "0 3 * * *", timezone: "Europe/Berlin" })).toBe("0 3 * * * (Europe/Berlin)");
    expect(describeSpec({ type: "interval", seconds: 3600 })).toBe("every hour");
    expect(describeSpec({ type: "interval", seconds: 7200 })).toBe("every 2 h");
    expect(describeSpec({ type: "interval", seconds: 86_400 * 2 })).toBe("every 2 days");
    expect(describeSpec({ type: "interval", seconds: 90 })).toBe("every 90 s");
    expect(describeSpec({ type: "interval", seconds: 300 })).toBe("every 5 min");
  });

  it("flags failed and partial last runs", () => {
    expect(scheduleFailed({ last_result: null, last_error: null })).toBe(false);
    expect(scheduleFailed({ last_result: "ok", last_error: null })).toBe(false);
    expect(scheduleFailed({ last_result: "partial", last_error: null })).toBe(true);
    expect(scheduleFailed({ last_result: "failed", last_error: "disk full" })).toBe(true);
  });

  it("checks the Add form", () => {
    expect(scheduleProblem("", "0 3 * * *", [])).toMatch(/name/);
    expect(scheduleProblem("daily", "0 3 * * *", ["daily"])).toMatch(/exists already/);
    expect(scheduleProblem("nightly", "", [])).toMatch(/cron expression/);
    expect(scheduleProblem(" nightly ", "0 3 * * *", ["daily"])).toBeNull();
  });
});

describe("retention form", () => {
  it("round-trips a policy; empty boxes are unused rules", () => {
    const form = retentionForm({ keep_last: 10, keep_daily: null, keep_weekly: 4, keep_monthly: 0 });
    expect(form).toEqual({ keep_last: "10", keep_daily: "", keep_weekly: "4", keep_monthly: "0" });
    expect(parseRetention(form)).toEqual({ ok: true, policy: { keep_last: 10, keep_daily: null, keep_weekly: 4, keep_monthly: 0 } });
    expect(parseRetention({ ...form, keep_last: " 7 " })).toMatchObject({ ok: true, policy: { keep_last: 7 } });
  });

  it("refuses what is not a whole number, per field", () => {
    const check = parseRetention({ keep_last: "-1", keep_daily: "2.5", keep_weekly: "abc", keep_monthly: "3" });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(Object.keys(check.errors).sort()).toEqual(["keep_daily", "keep_last", "keep_weekly"]);
    expect(parseRetention({ keep_last: "1000001", keep_daily: "", keep_weekly: "", keep_monthly: "" }).ok).toBe(false);
  });

  it("refuses a policy that keeps nothing", () => {
    const none = parseRetention({ keep_last: "", keep_daily: "0", keep_weekly: "", keep_monthly: "0" });
    expect(none).toMatchObject({ ok: false, errors: {} });
    if (!none.ok) expect(none.message).toMatch(/keeps nothing/);
  });

  it("lists only what would go", () => {
    const keep = { backup: backup(), keep: true, reasons: ["last 1/1"] };
    const go = { backup: backup({ path: "/old.zip" }), keep: false, reasons: [] };
    expect(removals([keep, go])).toEqual([go]);
  });
});

describe("destinations", () => {
  it("needs absolute, distinct folders and one enabled", () => {
    expect(destinationsProblem([])).toMatch(/at least one/);
    expect(destinationsProblem([{ path: "backups", enabled: true }])).toMatch(/not an absolute/);
    expect(destinationsProblem([{ path: " ", enabled: true }])).toMatch(/An empty path/);
    expect(destinationsProblem([{ path: "/a", enabled: false }])).toMatch(/Enable at least one/);
    expect(destinationsProblem([{ path: "/a", enabled: true }, { path: "/a/", enabled: false }])).toMatch(/listed twice/);
    expect(destinationsProblem([{ path: "/a", enabled: true }, { path: "C:\\Backups", enabled: false }])).toBeNull();
  });

  it("adds a folder once, enabled", () => {
    const list = [{ path: "/a", enabled: false }];
    expect(addDestination(list, " /b ")).toEqual([...list, { path: "/b", enabled: true }]);
    expect(addDestination(list, "/a")).toEqual(list);
    expect(addDestination(list, "  ")).toEqual(list);
  });
});

describe("automatic backups form", () => {
  const saved = { large_import_backup: true, large_import_backup_threshold: 10_000, backup_on_exit: false };

  it("round-trips the saved settings", () => {
    const form = automaticForm(saved);
    expect(form).toEqual({ largeImport: true, threshold: "10000", onExit: false });
    expect(parseAutomatic(form, 10_000)).toEqual({ ok: true, settings: saved });
  });

  it("accepts whole numbers with thousands separators, 0 included", () => {
    const parse = (threshold: string) => parseAutomatic({ largeImport: true, threshold, onExit: true }, 10_000);
    expect(parse(" 25,000 ")).toEqual({ ok: true, settings: { large_import_backup: true, large_import_backup_threshold: 25_000, backup_on_exit: true } });
    expect(parse("1 000")).toMatchObject({ ok: true, settings: { large_import_backup_threshold: 1000 } });
    expect(parse("0")).toMatchObject({ ok: true, settings: { large_import_backup_threshold: 0 } });
    expect(parse("1000000000")).toMatchObject({ ok: true, settings: { large_import_backup_threshold: 1_000_000_000 } });
  });

  it("refuses a threshold that is not a whole number in range while the backup is on", () => {
    for (const bad of ["", "  ", "-1", "1.5", "1e4", "ten", "1000000001"]) {
      const check = parseAutomatic({ largeImport: true, threshold: bad, onExit: false }, 10_000);
      expect(check.ok, bad).toBe(false);
    }
    expect(parseAutomatic({ largeImport: true, threshold: "", onExit: false }, 10_000)).toEqual({ ok: false, message: "Enter a number of commits." });
    expect(parseAutomatic({ largeImport: true, threshold: "abc", onExit: false }, 10_000)).toEqual({
      ok: false,
      message: "The number of commits must be a whole number from 0 to 1,000,000,000.",
    });
  });

  it("ignores the threshold while the backup is off, keeping the saved one", () => {
    expect(parseAutomatic({ largeImport: false, threshold: "oops", onExit: true }, 5000)).toEqual({
      ok: true,
      settings: { large_import_backup: false, large_import_backup_threshold: 5000, backup_on_exit: true },
    });
  });

  it("tells a change from the saved settings", () => {
    expect(sameAutomatic(saved, { ...saved })).toBe(true);
    expect(sameAutomatic(saved, { ...saved, backup_on_exit: true })).toBe(false);
    expect(sameAutomatic(saved, { ...saved, large_import_backup_threshold: 9999 })).toBe(false);
    expect(sameAutomatic(saved, { ...saved, large_import_backup: false })).toBe(false);
  });
});

describe("one workspace's rows in a backup", () => {
  const ws = (workspace: string, repositories: number, commits: number, saved_queries = 0): WorkspaceCount => ({
    workspace,
    repositories,
    commits,
    file_changes: commits * 3,
    refs: 1,
    analysis_runs: 0,
    saved_queries,
  });
  const counted = (): BackupInfo => {
    const m = manifest({ repositories: 3, commits: 80, saved_queries: 2 });
    return backup({ manifest: { ...m, workspace_counts: [ws("default", 2, 55, 1), ws("team", 1, 25, 1)] } });
  };
  const old = backup(); // workspace_counts: null, as an older manifest reads
  const preview = (b: BackupInfo): RestorePreview => ({
    backup: b,
    current: [
      { table: "repositories", rows: 4 },
      { table: "commits", rows: 90 },
      { table: "saved_queries", rows: 3 },
    ],
    current_workspaces: [ws("default", 2, 55, 1), ws("team", 2, 35, 2)],
    safety_backup_to: ["/data/backups"],
  });

  it("tells counted, absent and unknown apart (unknown is never zero)", () => {
    expect(workspaceInBackup(counted().manifest, "team")).toEqual({ state: "counted", counts: ws("team", 1, 25, 1) });
    expect(workspaceInBackup(counted().manifest, "gone")).toEqual({ state: "absent" });
    expect(workspaceInBackup(old.manifest, "team")).toEqual({ state: "unknown" });
    expect(workspaceInBackup(null, "team")).toEqual({ state: "unknown" });
    expect(workspaceCommitsText(counted(), "team")).toBe("25 commits");
    expect(workspaceCommitsText(counted(), "gone")).toBe("not in this backup");
    expect(workspaceCommitsText(old, "team")).toBe("unknown");
    expect(workspaceUnknownReason(old, "team")).toMatch(/made before backups counted rows per workspace/);
    expect(workspaceUnknownReason(counted(), "team")).toBeNull();
    const encrypted = backup({ manifest: null, encrypted: true });
    expect(workspaceCommitsText(encrypted, "team")).toBe("encrypted");
    expect(workspaceUnknownReason(encrypted, "team")).toMatch(/password/);
  });

  it("compares the workspace's rows now with the backup's", () => {
    expect(compareWorkspaceRows(preview(counted()), "team")).toEqual([
      { table: "repositories", label: "Repositories", current: 2, backup: 1 },
      { table: "commits", label: "Commits", current: 35, backup: 25 },
      { table: "file_changes", label: "File changes", current: 105, backup: 75 },
      { table: "saved_queries", label: "Saved queries", current: 2, backup: 1 },
    ]);
    expect(compareWorkspaceRows(preview(old), "team").map((r) => [r.current, r.backup])).toEqual([
      [2, null],
      [35, null],
      [105, null],
      [2, null],
    ]);
    // A workspace the backup did not have: the restore leaves it with nothing.
    expect(compareWorkspaceRows(preview(counted()), "new").map((r) => [r.current, r.backup])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });

  it("says a restore replaces all workspaces, and why counts are missing", () => {
    expect(workspaceScopeText(preview(counted()), "team")).toBe(
      'Workspace "team" now beside the backup. A restore replaces all workspaces, not only "team": the whole store\'s totals are below.',
    );
    expect(workspaceScopeText(preview(old), "team")).toMatch(
      /made before backups counted rows per workspace, so its counts for "team" are unknown\. A restore replaces all workspaces/,
    );
    expect(workspaceScopeText(preview(counted()), "gone")).toMatch(/^The backup has no workspace "gone": the restore removes it\. A restore replaces all workspaces/);
  });

  it("mentions the selected workspace after a restore", () => {
    const report = (b: BackupInfo) => ({
      restored_from: b.path,
      manifest: b.manifest!,
      safety_backup: null,
      migrated: [],
      row_counts: [
        { table: "repositories", rows: 3 },
        { table: "commits", rows: 80 },
      ],
      duration_ms: 10,
    });
    expect(restoredText(report(counted()), "team")).toMatch(
      /\(3 repositories, 80 commits\)\. Workspace "team" now has 1 repository and 25 commits\.$/,
    );
    expect(restoredText(report(counted()), "default")).toMatch(/Workspace "default" now has 2 repositories and 55 commits\.$/);
    expect(restoredText(report(counted()), "gone")).toMatch(/The backup had no workspace "gone": the restore removed it\.$/);
    expect(restoredText(report(old), "team")).toMatch(/This backup does not count rows per workspace/);
    expect(restoredText(report(counted()))).toMatch(/\(3 repositories, 80 commits\)\.$/);
  });
});
