import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { BackupInfo } from "../../bindings/BackupInfo";
import type { TableCount } from "../../bindings/TableCount";
import type { WorkspaceCount } from "../../bindings/WorkspaceCount";

import { mockTauri, type Answers } from "../../shared/testing/tauriMock";
import { backend, backupInfo, kit, openBackups, repo } from "./backupsTestKit";

describe("Backups scoped to the header's workspace", () => {
  const ws = (workspace: string, repositories: number, commits: number, saved_queries: number): WorkspaceCount => ({
    workspace,
    repositories,
    commits,
    file_changes: commits * 3,
    refs: repositories,
    analysis_runs: 0,
    saved_queries,
  });
  const counted = (path: string, counts: WorkspaceCount[]): BackupInfo => {
    const base = backupInfo({ path, name: path.split("/").pop()! });
    return {
      ...base,
      manifest: {
        ...base.manifest!,
        row_counts: [
          { table: "repositories", rows: 3 },
          { table: "commits", rows: 80 },
          { table: "saved_queries", rows: 2 },
        ],
        workspace_counts: counts,
      },
    };
  };
  const withTeam = () => counted("/data/backups/repovault-20260303T100000Z-manual.zip", [ws("default", 2, 55, 1), ws("team", 1, 25, 1)]);
  const withoutTeam = () => counted("/data/backups/repovault-20260302T100000Z-manual.zip", [ws("default", 2, 40, 1)]);
  // Made before manifests counted per workspace: its workspace_counts is null.
  const older = () => backupInfo();
  const encrypted = () => backupInfo({ encrypted: true, manifest: null, name: "x.zip.age", path: "/data/backups/x.zip.age" });
  const now: WorkspaceCount[] = [ws("default", 2, 55, 1), ws("team", 2, 35, 2)];

  function scopedBackend(overrides: Answers = {}) {
    backend({
      list_workspaces: () =>
        Promise.resolve([
          { id: 1, name: "default", created_at: 0, repository_count: 2, commit_count: 55 },
          { id: 2, name: "team", created_at: 0, repository_count: 2, commit_count: 35 },
        ]),
      ...overrides,
    });
  }

  /** A preview of the first backup against the whole store now and `now`, and its restore. */
  const restoreAnswers = (restored: TableCount[]): Answers => ({
    preview_restore: () =>
      Promise.resolve({
        backup: kit.backups[0]!,
        current: [
          { table: "repositories", rows: 4 },
          { table: "commits", rows: 90 },
          { table: "saved_queries", rows: 3 },
        ],
        current_workspaces: now,
        safety_backup_to: ["/data/backups"],
      }),
    restore_backup: () =>
      Promise.resolve({
        restored_from: kit.backups[0]!.path,
        manifest: kit.backups[0]!.manifest!,
        safety_backup: null,
        migrated: [],
        row_counts: restored,
        duration_ms: 40,
      }),
  });

  async function choose(workspace: string) {
    await act(async () => {
      fireEvent.change(screen.getByTestId("workspace-select"), { target: { value: workspace } });
    });
  }

  async function openRestore(index = 0) {
    await act(async () => {
      fireEvent.click(screen.getAllByTestId("backup-restore")[index]!);
    });
    return screen.getByTestId("confirm-dialog");
  }

  const tableRows = (dialog: HTMLElement, testId: string) =>
    within(dialog)
      .getAllByTestId(testId)
      .map((r) => [r.getAttribute("data-table"), r.getAttribute("data-current"), r.getAttribute("data-backup")]);

  beforeEach(() => {
    kit.tauri = mockTauri();
    kit.repos = [repo("demo", 5)];
  });
  afterEach(() => {
    cleanup();
  });

  it("shows the selected workspace's commits in each backup, and why when they are not known", async () => {
    kit.backups = [withTeam(), withoutTeam(), older(), encrypted()];
    scopedBackend();
    await openBackups();
    expect(screen.queryByTestId("backup-workspace-head")).toBeNull();
    await choose("team");
    expect(screen.getByTestId("backup-workspace-head").textContent).toBe("Commits in team");
    const cells = screen.getAllByTestId("backup-workspace-commits");
    expect(cells.map((c) => [c.getAttribute("data-state"), c.getAttribute("data-value"), c.textContent])).toEqual([
      ["counted", "25", "25 commits"],
      ["absent", "", "not in this backup"],
      ["unknown", "", "unknown"],
      ["unknown", "", "encrypted"],
    ]);
    expect(cells[2]!.getAttribute("title")).toMatch(/made before backups counted rows per workspace/);
    await choose("default");
    expect(screen.getAllByTestId("backup-workspace-commits").map((c) => c.textContent)).toEqual(["55 commits", "40 commits", "unknown", "encrypted"]);
    await choose("");
    expect(screen.queryByTestId("backup-workspace-commits")).toBeNull();
  });

  it("compares the workspace's rows now and in the backup beside the whole store's, then names it after the restore", async () => {
    kit.backups = [withTeam()];
    scopedBackend(restoreAnswers([
      { table: "repositories", rows: 3 },
      { table: "commits", rows: 80 },
      { table: "saved_queries", rows: 2 },
    ]));
    await openBackups();
    await choose("team");
    const dialog = await openRestore();
    expect(within(dialog).getByTestId("restore-workspace-note").textContent).toBe(
      'Workspace "team" now beside the backup. A restore replaces all workspaces, not only "team": the whole store\'s totals are below.',
    );
    expect(tableRows(dialog, "restore-workspace-row")).toEqual([
      ["repositories", "2", "1"],
      ["commits", "35", "25"],
      ["file_changes", "105", "75"],
      ["saved_queries", "2", "1"],
    ]);
    expect(within(dialog).getAllByTestId("restore-workspace-current").map((c) => c.textContent)).toEqual(["2", "35", "105", "2"]);
    // The whole store is replaced: its totals stay in the dialog.
    expect(tableRows(dialog, "restore-count-row")).toEqual([
      ["repositories", "4", "3"],
      ["commits", "90", "80"],
      ["saved_queries", "3", "2"],
    ]);
    expect(within(within(dialog).getByTestId("restore-compare")).getByRole("columnheader", { name: "All workspaces" })).toBeTruthy();
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    });
    expect(within(screen.getByTestId("restore-result")).getByTestId("backup-outcome-text").textContent).toBe(
      `Restored the backup of ${new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date("2026-03-01T10:00:00.000Z"))} (3 repositories, 80 commits, 2 saved queries). Workspace "team" now has 1 repository and 25 commits.`,
    );
  });

  it("says a manifest without per-workspace counts does not know them, never showing zeros", async () => {
    kit.backups = [older()];
    scopedBackend(restoreAnswers([{ table: "commits", rows: 3 }]));
    await openBackups();
    await choose("team");
    const dialog = await openRestore();
    expect(within(dialog).getByTestId("restore-workspace-note").textContent).toMatch(
      /this backup was made before backups counted rows per workspace, so its counts for "team" are unknown\. A restore replaces all workspaces/,
    );
    expect(tableRows(dialog, "restore-workspace-row")).toEqual([
      ["repositories", "2", ""],
      ["commits", "35", ""],
      ["file_changes", "105", ""],
      ["saved_queries", "2", ""],
    ]);
    expect(within(dialog).getAllByTestId("restore-workspace-backup").map((c) => c.textContent)).toEqual(["—", "—", "—", "—"]);
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId("confirm-ok"));
    });
    expect(within(screen.getByTestId("restore-result")).getByTestId("backup-outcome-text").textContent).toMatch(
      /\(3 commits\)\. This backup does not count rows per workspace: what "team" holds now is on the Repositories page\.$/,
    );
  });

  it("shows only the whole store's rows when no workspace is selected", async () => {
    kit.backups = [withTeam()];
    scopedBackend({
      preview_restore: () =>
        Promise.resolve({ backup: kit.backups[0]!, current: [{ table: "commits", rows: 90 }], current_workspaces: now, safety_backup_to: ["/data/backups"] }),
    });
    await openBackups();
    const dialog = await openRestore();
    expect(within(dialog).queryByTestId("restore-workspace-compare")).toBeNull();
    expect(tableRows(dialog, "restore-count-row")).toEqual([["commits", "90", "80"]]);
  });
});
