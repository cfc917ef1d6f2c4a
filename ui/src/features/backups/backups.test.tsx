import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Schedule } from "../../bindings/Schedule";
import type { ScheduleRun } from "../../bindings/ScheduleRun";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import { mockTauri } from "../../shared/testing/tauriMock";
import { PREVIEW_DELAY_MS } from "./useSchedulePreview";
import { backend, backupInfo, calls, kit, openBackups, repo } from "./backupsTestKit";

describe("Backups page", () => {
  beforeEach(() => {
    kit.tauri = mockTauri();
    kit.backups = [];
    kit.repos = [repo("demo", 5)];
    backend();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it("says what to do when there are no backups, and creates one with progress", async () => {
    await openBackups();
    expect(screen.getByTestId("backups-empty").textContent).toMatch(/Press Create now/);
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-create"));
    });
    expect(calls("create_backup")[0]?.["password"]).toBeNull();
    await act(async () => {
      kit.createJob.progress({ phase: "archive", done: 1, total: 4, per_second: null });
    });
    expect(screen.getByTestId("backup-phase").textContent).toBe("Writing the archive");
    expect(screen.getByRole("progressbar", { name: "Creating a backup" }).getAttribute("aria-valuenow")).toBe("25");
    const made = backupInfo();
    kit.backups = [made];
    await act(async () => {
      kit.createJob.resolve({ manifest: made.manifest!, results: [{ destination: "/data/backups", backup: made, error: null }] });
    });
    expect(screen.getByTestId("backup-create-result").textContent).toContain(`Backup written to ${made.path}.`);
    const row = screen.getByTestId("backup-row");
    expect(row.getAttribute("data-verified")).toBe("unverified");
    expect(within(row).getByTestId("backup-size").textContent).toBe("4 KB");
    expect(within(row).getByTestId("backup-kind").textContent).toBe("Manual");
  });

  it("remembers a Verify per backup and shows problems", async () => {
    const good = backupInfo();
    const bad = backupInfo({ path: "/data/backups/b.zip", name: "b.zip" });
    kit.backups = [good, bad];
    backend({
      verify_backup: (args) =>
        Promise.resolve(
          args["path"] === good.path
            ? { path: good.path, ok: true, problems: [], manifest: null, duration_ms: 5 }
            : { path: bad.path, ok: false, problems: ["entry db.sqlite: sha256 differs"], manifest: null, duration_ms: 5 },
        ),
    });
    await openBackups();
    const rows = () => screen.getAllByTestId("backup-row");
    await act(async () => {
      fireEvent.click(within(rows()[0]!).getByTestId("backup-verify"));
    });
    expect(rows()[0]!.getAttribute("data-verified")).toBe("verified");
    expect(rows()[1]!.getAttribute("data-verified")).toBe("unverified");
    await act(async () => {
      fireEvent.click(within(rows()[1]!).getByTestId("backup-verify"));
    });
    expect(rows()[1]!.getAttribute("data-verified")).toBe("problems");
    expect(rows()[0]!.getAttribute("data-verified")).toBe("verified");
    expect(screen.getByTestId("backup-problems").textContent).toContain("sha256 differs");

    // Remembered while the app runs, also after leaving the page.
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-repositories"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-backups"));
    });
    expect(rows().map((r) => r.getAttribute("data-verified"))).toEqual(["verified", "problems"]);
  });

  it("restores through a confirmation that compares counts, then reloads the app's data", async () => {
    kit.backups = [backupInfo()];
    backend({
      preview_restore: () =>
        Promise.resolve({
          backup: kit.backups[0]!,
          current: [
            { table: "repositories", rows: 2 },
            { table: "commits", rows: 5 },
            { table: "saved_queries", rows: 0 },
          ],
          current_workspaces: [],
          safety_backup_to: ["/data/backups"],
        }),
      restore_backup: () => {
        kit.repos = [repo("demo", 3)];
        return Promise.resolve({
          restored_from: kit.backups[0]!.path,
          manifest: kit.backups[0]!.manifest!,
          safety_backup: "/data/backups/repovault-20260302T100000Z-emergency.zip",
          migrated: [],
          row_counts: [
            { table: "repositories", rows: 1 },
            { table: "commits", rows: 3 },
          ],
          duration_ms: 40,
        });
      },
    });
    await openBackups();
    const before = calls("list_repositories").length;
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-restore"));
    });
    const dialog = screen.getByTestId("confirm-dialog");
    const counts = within(dialog)
      .getAllByTestId("restore-count-row")
      .map((r) => [r.getAttribute("data-table"), r.getAttribute("data-current"), r.getAttribute("data-backup")]);
    expect(counts).toEqual([
      ["repositories", "2", "1"],
      ["commits", "5", "3"],
      ["saved_queries", "0", "0"],
    ]);
    expect(within(dialog).getByTestId("restore-safety").textContent).toContain("into /data/backups");
    expect(within(dialog).queryByTestId("restore-password")).toBeNull();
    expect(document.activeElement).toBe(within(dialog).getByTestId("confirm-cancel"));
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    });
    expect(calls("restore_backup")[0]).toMatchObject({ path: kit.backups[0]!.path, password: null });
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(screen.getByTestId("restore-result").textContent).toMatch(/1 repositories, 3 commits.*safety backup \/data\/backups\/repovault-20260302T100000Z-emergency\.zip/);
    expect(calls("list_repositories").length).toBeGreaterThan(before);
  });

  it("asks for the password of an encrypted backup before restoring, Tab reaching the field", async () => {
    kit.backups = [backupInfo({ encrypted: true, manifest: null, name: "x.zip.age", path: "/data/backups/x.zip.age" })];
    backend({
      preview_restore: () =>
        Promise.resolve({ backup: kit.backups[0]!, current: [{ table: "commits", rows: 5 }], current_workspaces: [], safety_backup_to: ["/data/backups"] }),
      restore_backup: () => Promise.reject({ code: "decrypt", message: "wrong password" }),
    });
    await openBackups();
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-restore"));
    });
    const dialog = screen.getByTestId("confirm-dialog");
    expect(within(dialog).getByTestId("restore-count-row").getAttribute("data-backup")).toBe("");
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    });
    expect(calls("restore_backup")).toHaveLength(0);
    within(dialog).getByTestId("confirm-cancel").focus();
    fireEvent.keyDown(within(dialog).getByTestId("confirm-cancel"), { key: "Tab" });
    expect(document.activeElement).toBe(within(dialog).getByTestId("confirm-ok"));
    fireEvent.keyDown(within(dialog).getByTestId("confirm-ok"), { key: "Tab" });
    expect(document.activeElement).toBe(within(dialog).getByTestId("restore-password"));
    fireEvent.keyDown(within(dialog).getByTestId("restore-password"), { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(within(dialog).getByTestId("confirm-ok"));
    fireEvent.change(within(dialog).getByTestId("restore-password"), { target: { value: "secret" } });
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    });
    expect(calls("restore_backup")[0]?.["password"]).toBe("secret");
    expect(screen.getByTestId("restore-error").textContent).toContain("wrong password");
    expect(screen.getByTestId("restore-error").textContent).toContain("the current data is unchanged");
  });

  it("previews the next runs of a custom cron expression once typing pauses", async () => {
    await openBackups();
    vi.useFakeTimers();
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-preset-custom"));
    });
    fireEvent.change(screen.getByTestId("schedule-cron"), { target: { value: "b" } });
    fireEvent.change(screen.getByTestId("schedule-cron"), { target: { value: "bad" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS + 10);
    });
    const asked = calls("preview_schedule").map((a) => (a["spec"] as { expression: string }).expression);
    expect(asked).not.toContain("b");
    expect(screen.getByTestId("schedule-preview-error").textContent).toContain("is not a cron expression");
    fireEvent.change(screen.getByTestId("schedule-cron"), { target: { value: "0 2 * * *" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS + 10);
    });
    expect(screen.getAllByTestId("schedule-preview-time")).toHaveLength(5);
  });

  it("shows a failed scheduled run as a banner and a badge on the nav item", async () => {
    await act(async () => {
      renderWithClient(<App />);
    });
    const run: ScheduleRun = { schedule: "nightly", result: "failed", backup: null, error: "disk full", duration_ms: 3, pruned: [], next_run_at: null };
    await act(async () => {
      await kit.tauri.emit("backup-schedule-ran", run);
    });
    expect(screen.getByTestId("nav-backups-badge").textContent).toBe("1");
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-backups"));
    });
    expect(screen.getByTestId("schedule-failures").textContent).toContain('The scheduled backup "nightly" failed: disk full');
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-failures-dismiss"));
    });
    expect(screen.queryByTestId("nav-backups-badge")).toBeNull();
  });

  it("checks the retention form and previews what would go", async () => {
    kit.backups = [backupInfo()];
    backend({
      prune_backups: (args) =>
        Promise.resolve(args["dryRun"] === true ? [{ backup: kit.backups[0]!, keep: false, reasons: ["beyond last 0"] }] : []),
    });
    await openBackups();
    fireEvent.change(screen.getByTestId("retention-keep-last"), { target: { value: "0" } });
    expect(screen.getByTestId("retention-invalid").textContent).toMatch(/keeps nothing/);
    fireEvent.change(screen.getByTestId("retention-keep-daily"), { target: { value: "7" } });
    expect(screen.queryByTestId("retention-invalid")).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId("retention-preview"));
    });
    expect(calls("prune_backups")[0]).toEqual({ policy: { keep_last: 0, keep_daily: 7, keep_weekly: null, keep_monthly: null }, dryRun: true });
    expect(screen.getByTestId("retention-preview-result").getAttribute("data-count")).toBe("1");
  });

  it("adds a daily schedule with the destinations and retention, and lists its last error prominently", async () => {
    let schedules: Schedule[] = [];
    backend({
      list_schedules: () => Promise.resolve(schedules),
      add_schedule: (args) => {
        schedules = [
          {
            id: 1,
            name: "daily",
            spec: args.schedule.spec,
            destinations: [],
            retention: null,
            enabled: true,
            next_run_at: "2026-03-02T02:00:00.000Z",
            last_run_at: "2026-03-01T02:00:00.000Z",
            last_result: "failed",
            last_duration_ms: 20,
            last_error: "cannot write /data/backups: disk full",
            last_backup: null,
            created_at: "2026-02-01T00:00:00.000Z",
          },
        ];
        return Promise.resolve(schedules[0]!);
      },
    });
    await openBackups();
    expect(screen.getByTestId("schedules-empty").textContent).toMatch(/Add one below/);
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-add"));
    });
    const added = calls("add_schedule")[0]?.["schedule"] as Record<string, unknown>;
    expect(added["name"]).toBe("daily");
    expect(added["spec"]).toMatchObject({ type: "cron", expression: "0 3 * * *" });
    expect(added["destinations"]).toEqual([{ path: "/data/backups", enabled: true }]);
    expect(added["retention"]).toEqual({ keep_last: 10, keep_daily: null, keep_weekly: null, keep_monthly: null });
    const row = screen.getByTestId("schedule-row");
    expect(row.getAttribute("data-failed")).toBe("true");
    expect(within(row).getByTestId("schedule-error").textContent).toContain("disk full");
  });

  it("deletes a backup only after its confirmation", async () => {
    kit.backups = [backupInfo()];
    backend({
      delete_backup: () => {
        kit.backups = [];
        return Promise.resolve(null);
      },
    });
    await openBackups();
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-delete"));
    });
    expect(screen.getByTestId("confirm-message").textContent).toContain("deleted from /data/backups");
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-cancel"));
    });
    expect(calls("delete_backup")).toHaveLength(0);
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-delete"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    expect(calls("delete_backup")).toEqual([{ path: "/data/backups/repovault-20260301T100000Z-manual.zip" }]);
    expect(screen.getByTestId("backups-empty")).toBeTruthy();
  });

  it("adds a destination by path, toggles one and saves them", async () => {
    backend({ save_backup_settings: (args) => Promise.resolve(args["settings"]) });
    await openBackups();
    fireEvent.change(screen.getByTestId("destination-path"), { target: { value: "relative/dir" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("destination-add"));
    });
    expect(screen.getByTestId("destinations-problem").textContent).toMatch(/not an absolute folder path/);
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId("destination-row")[1]!).getByTestId("destination-remove"));
    });
    fireEvent.change(screen.getByTestId("destination-path"), { target: { value: "/mnt/archive" } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId("destination-path").closest("form")!);
    });
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId("destination-row")[0]!).getByTestId("destination-enabled"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("destinations-save"));
    });
    expect(calls("save_backup_settings")[0]?.["settings"]).toEqual({
      destinations: [
        { path: "/data/backups", enabled: false },
        { path: "/mnt/archive", enabled: true },
      ],
      retention: { keep_last: 10, keep_daily: null, keep_weekly: null, keep_monthly: null },
      large_import_backup: true,
      large_import_backup_threshold: 10000,
      backup_on_exit: false,
    });
    expect(screen.getByTestId("destinations-saved")).toBeTruthy();
  });

  it("saves the automatic backups, refusing a threshold that is not a whole number", async () => {
    backend({ save_backup_settings: (args) => Promise.resolve(args["settings"]) });
    await openBackups();
    const threshold = screen.getByTestId("large-import-threshold") as HTMLInputElement;
    expect(threshold.value).toBe("10000");
    expect(screen.getByTestId("automatic-save").getAttribute("aria-disabled")).toBe("true");

    await act(async () => {
      fireEvent.change(threshold, { target: { value: "12.5" } });
    });
    expect(screen.getByTestId("automatic-problem").textContent).toContain("whole number");
    await act(async () => {
      fireEvent.click(screen.getByTestId("automatic-save"));
    });
    expect(calls("save_backup_settings")).toHaveLength(0);

    await act(async () => {
      fireEvent.change(threshold, { target: { value: "2,500" } });
      fireEvent.click(screen.getByTestId("backup-on-exit"));
    });
    expect(screen.queryByTestId("automatic-problem")).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId("automatic-save"));
    });
    expect(calls("save_backup_settings")[0]?.["settings"]).toMatchObject({
      destinations: [{ path: "/data/backups", enabled: true }],
      large_import_backup: true,
      large_import_backup_threshold: 2500,
      backup_on_exit: true,
    });
    expect(screen.getByTestId("automatic-saved")).toBeTruthy();
  });
});

describe("Backups page: what a change fetches again", () => {
  beforeEach(() => {
    kit.tauri = mockTauri();
    kit.backups = [];
    kit.repos = [repo("demo", 5)];
    backend();
  });
  afterEach(cleanup);

  const count = (command: "list_backups" | "list_schedules" | "get_backup_settings") => calls(command).length;

  it("fetches the backup list again after a delete, also after a failed one", async () => {
    const first = backupInfo();
    const second = backupInfo({ path: "/data/backups/b.zip", name: "b.zip" });
    kit.backups = [first, second];
    let failNext = false;
    backend({
      delete_backup: (args) => {
        if (failNext) return Promise.reject({ code: "io", message: "permission denied" });
        kit.backups = kit.backups.filter((b) => b.path !== args.path);
        return Promise.resolve(null);
      },
    });
    await openBackups();
    expect(count("list_backups")).toBe(1);
    await act(async () => {
      fireEvent.click(within(screen.getAllByTestId("backup-row")[0]!).getByTestId("backup-delete"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    expect(count("list_backups")).toBe(2);
    expect(screen.getAllByTestId("backup-row").map((r) => r.dataset["name"])).toEqual(["b.zip"]);
    expect(screen.getByTestId("backup-summary").textContent).toBe("1 backup");

    failNext = true;
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-delete"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    expect(screen.getByTestId("delete-error").textContent).toContain("permission denied");
    expect(count("list_backups")).toBe(3);
    expect(count("list_schedules")).toBe(1);
    expect(count("get_backup_settings")).toBe(1);
  });

  it("drops the kept Verify of a backup that is no longer listed", async () => {
    const good = backupInfo();
    kit.backups = [good];
    backend({ verify_backup: () => Promise.resolve({ path: good.path, ok: true, problems: [], manifest: null, duration_ms: 5 }) });
    await openBackups();
    await act(async () => {
      fireEvent.click(screen.getByTestId("backup-verify"));
    });
    expect(screen.getByTestId("backup-row").getAttribute("data-verified")).toBe("verified");
    // Gone from the folder, then back (same path): its old Verify is not shown again.
    kit.backups = [];
    await act(async () => {
      fireEvent.click(screen.getByTestId("backups-refresh"));
    });
    expect(screen.getByTestId("backups-empty")).toBeTruthy();
    kit.backups = [good];
    await act(async () => {
      fireEvent.click(screen.getByTestId("backups-refresh"));
    });
    expect(screen.getByTestId("backup-row").getAttribute("data-verified")).toBe("unverified");
  });

  it("Refresh and a scheduled run fetch the backups and the schedules again, not the settings", async () => {
    await openBackups();
    expect([count("list_backups"), count("list_schedules"), count("get_backup_settings")]).toEqual([1, 1, 1]);
    await act(async () => {
      fireEvent.click(screen.getByTestId("backups-refresh"));
    });
    expect([count("list_backups"), count("list_schedules"), count("get_backup_settings")]).toEqual([2, 2, 1]);
    const made = backupInfo();
    kit.backups = [made];
    const run: ScheduleRun = { schedule: "nightly", result: "ok", backup: made.path, error: null, duration_ms: 3, pruned: [], next_run_at: null };
    await act(async () => {
      await kit.tauri.emit("backup-schedule-ran", run);
    });
    expect([count("list_backups"), count("list_schedules"), count("get_backup_settings")]).toEqual([3, 3, 1]);
    expect(screen.getAllByTestId("backup-row")).toHaveLength(1);
  });

  it("adding or removing a schedule fetches the schedules and the backups (a schedule's folders are listed) again", async () => {
    let schedules: Schedule[] = [];
    backend({
      list_schedules: () => Promise.resolve(schedules),
      add_schedule: (args) => {
        const added: Schedule = {
          id: 1,
          name: args.schedule.name,
          spec: args.schedule.spec,
          destinations: args.schedule.destinations,
          retention: args.schedule.retention,
          enabled: true,
          next_run_at: null,
          last_run_at: null,
          last_result: null,
          last_duration_ms: null,
          last_error: null,
          last_backup: null,
          created_at: "2026-02-01T00:00:00.000Z",
        };
        schedules = [added];
        return Promise.resolve(added);
      },
      remove_schedule: () => {
        schedules = [];
        return Promise.resolve(null);
      },
    });
    await openBackups();
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-add"));
    });
    expect([count("list_schedules"), count("list_backups")]).toEqual([2, 2]);
    expect(screen.getByTestId("schedule-row").dataset["name"]).toBe("daily");
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-remove"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    expect([count("list_schedules"), count("list_backups")]).toEqual([3, 3]);
    expect(screen.getByTestId("schedules-empty")).toBeTruthy();
    expect(count("get_backup_settings")).toBe(1);
  });

  it("a failed schedule change fetches nothing again and shows its error", async () => {
    backend({ add_schedule: () => Promise.reject({ code: "storage", message: "database is locked" }) });
    await openBackups();
    await act(async () => {
      fireEvent.click(screen.getByTestId("schedule-add"));
    });
    expect(screen.getByTestId("schedules").textContent).toContain("database is locked");
    expect([count("list_schedules"), count("list_backups")]).toEqual([1, 1]);
  });

  it("applying the retention saves it (the answer replaces the settings) and fetches the backup list again", async () => {
    const old = backupInfo({ path: "/data/backups/old.zip", name: "old.zip" });
    kit.backups = [backupInfo(), old];
    backend({
      save_backup_settings: (args) => Promise.resolve(args.settings),
      prune_backups: (args) => {
        if (args.dryRun) return Promise.resolve([]);
        kit.backups = kit.backups.filter((b) => b !== old);
        return Promise.resolve([{ backup: old, keep: false, reasons: ["beyond last 1"] }]);
      },
    });
    await openBackups();
    expect(screen.getAllByTestId("backup-row")).toHaveLength(2);
    fireEvent.change(screen.getByTestId("retention-keep-last"), { target: { value: "1" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("retention-apply"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    expect(calls("prune_backups").at(-1)).toEqual({ policy: { keep_last: 1, keep_daily: null, keep_weekly: null, keep_monthly: null }, dryRun: false });
    expect(screen.getAllByTestId("backup-row").map((r) => r.dataset["name"])).toEqual([backupInfo().name]);
    expect(count("list_backups")).toBeGreaterThan(1);
    // The saved settings came back with the save: no second read, and the form shows them.
    expect(count("get_backup_settings")).toBe(1);
    expect((screen.getByTestId("retention-keep-last") as HTMLInputElement).value).toBe("1");
  });

  it("saving the destinations fetches the backup list again (it lists their folders), not the settings", async () => {
    backend({ save_backup_settings: (args) => Promise.resolve(args.settings) });
    await openBackups();
    fireEvent.change(screen.getByTestId("destination-path"), { target: { value: "/mnt/archive" } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId("destination-path").closest("form")!);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("destinations-save"));
    });
    expect(screen.getByTestId("destinations-saved")).toBeTruthy();
    expect(count("list_backups")).toBe(2);
    expect(count("get_backup_settings")).toBe(1);
    // The saved list is the page's settings now: nothing left to save.
    expect(screen.getByTestId("destinations-save").getAttribute("aria-disabled")).toBe("true");
  });

  it("shows a failed list at once with its banner, and Refresh loads it", async () => {
    backend({ list_backups: () => Promise.reject({ code: "io", message: "cannot read /data/backups" }) });
    await openBackups();
    expect(count("list_backups")).toBe(1);
    expect(screen.getByTestId("backups-page").textContent).toContain("Could not list the backups");
    expect(screen.getByTestId("backup-summary").textContent).toBe("Unavailable");
    backend();
    await act(async () => {
      fireEvent.click(screen.getByTestId("backups-refresh"));
    });
    expect(screen.getByTestId("backups-empty")).toBeTruthy();
  });
});
