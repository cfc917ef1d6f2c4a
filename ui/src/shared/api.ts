/**
 * The one typed door to the Rust side. Every Tauri command the UI uses is listed in `Commands`
 * with its argument and result types, so a call site cannot get a name, an argument or a result
 * type wrong. Types come from `./bindings` (generated from Rust by ts-rs); do not copy them here.
 *
 * A failed command rejects with a `CommandError` carrying `{code, message}` — the backend's own
 * `ErrorPayload` when it sent one, otherwise a normalised form (see `normalizeError`).
 */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { AnalysisProgress } from "./progress";
import type { AnalysisRequest } from "../bindings/AnalysisRequest";
import type { AppInfo } from "../bindings/AppInfo";
import type { BackupProgress } from "./progress";
import type { CopyProgress } from "./progress";
import type { BackupSettings } from "../bindings/BackupSettings";
import type { CommitQuery } from "../bindings/CommitQuery";
import type { ExportProgress } from "./progress";
import type { Filter } from "../bindings/Filter";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { ImportProgress } from "./progress";
import type { QueryOptions } from "../bindings/QueryOptions";
import type { RetentionPolicy } from "../bindings/RetentionPolicy";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { RepositorySynced } from "../bindings/RepositorySynced";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";
import type { Commands } from "../bindings/commands";
import { CommandError, normalizeError } from "./errors";

export type { AppInfo, ExportProgress };

/** Formats `export_commits` writes. */
export type ExportFormat = "csv" | "json" | "ndjson";

/** A command that takes no arguments. */
export type NoArgs = Record<string, never>;

/**
 * Command name → argument and result types, generated from the Rust commands themselves
 * (`src-tauri/src/command_table.rs` writes `bindings/commands.ts`), so a call site cannot get a
 * name, an argument or a result type wrong, and the two sides cannot drift apart.
 */
export type { Commands };

/** Events the backend emits, with their payloads. */
export interface Events {
  /** A scheduled backup ran (in the app's own scheduler), successfully or not. */
  "backup-schedule-ran": ScheduleRun;
  /** The app's background sync synced a repository (or failed to: `error`). */
  "repository-synced": RepositorySynced;
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]["args"];
export type CommandResult<K extends CommandName> = Commands[K]["result"];

/** Commands without arguments are called as `call("x")`, the others as `call("x", {...})`. */
type ArgsParam<K extends CommandName> = CommandArgs<K> extends NoArgs ? [] : [args: CommandArgs<K>];

export async function call<K extends CommandName>(command: K, ...args: ArgsParam<K>): Promise<CommandResult<K>> {
  try {
    return await invoke<CommandResult<K>>(command, args[0] ?? {});
  } catch (error) {
    throw new CommandError(normalizeError(error));
  }
}

/** Named helpers for the screens. */
export const api = {
  storeInfo: () => call("store_info"),
  listRepositories: () => call("list_repositories"),
  /** Progress messages arrive through `onProgress` until the returned promise settles. */
  importRepository: (
    path: string,
    name: string | null,
    onProgress: (progress: ImportProgress) => void,
    workspace: string | null = null,
  ) => call("import_repository", { path, name, workspace, onProgress: new Channel<ImportProgress>(onProgress) }),
  listWorkspaces: () => call("list_workspaces"),
  createWorkspace: (name: string) => call("create_workspace", { name }),
  renameWorkspace: (name: string, newName: string) => call("rename_workspace", { name, newName }),
  previewWorkspaceDeletion: (name: string) => call("preview_workspace_deletion", { name }),
  deleteWorkspace: (name: string) => call("delete_workspace", { name }),
  moveRepository: (repository: string, workspace: string) => call("move_repository", { repository, workspace }),
  teamStatus: () => call("team_status"),
  copyStoreAndSwitch: (url: string | null, onProgress: (progress: CopyProgress) => void) =>
    call("copy_store_and_switch", { url, onProgress: new Channel<CopyProgress>(onProgress) }),
  cancelImport: () => call("cancel_import"),
  queryCommits: (query: CommitQuery) => call("query_commits", { query }),
  countCommits: (query: CommitQuery) => call("count_commits", { query }),
  searchCommits: (text: string, options: QueryOptions, repository: string | null) =>
    call("search_commits", { text, options, repository }),
  getCommit: (repositoryId: number, hash: string) => call("get_commit", { repositoryId, hash }),
  getCommitStat: (repositoryId: number, hash: string) => call("get_commit_stat", { repositoryId, hash }),
  getFileDiff: (fileChangeId: number) => call("get_file_diff", { fileChangeId }),
  parseSearch: (text: string) => call("parse_search", { text }),
  listSavedQueries: () => call("list_saved_queries"),
  saveQuery: (name: string, filter: Filter) => call("save_query", { name, filter }),
  renameSavedQuery: (name: string, newName: string) => call("rename_saved_query", { name, newName }),
  deleteSavedQuery: (name: string) => call("delete_saved_query", { name }),
  listRefs: (repositoryId: number) => call("list_refs", { repositoryId }),
  getSettings: () => call("get_settings"),
  testConnection: (url: string | null) => call("test_connection", { url }),
  saveDatabaseUrl: (url: string | null) => call("save_database_url", { url }),
  getMirrorStatus: () => call("get_mirror_status"),
  testMirror: (url: string) => call("test_mirror", { url }),
  enableMirror: (url: string, cooldownSeconds: number | null) => call("enable_mirror", { url, cooldownSeconds }),
  disableMirror: () => call("disable_mirror"),
  drainMirror: () => call("drain_mirror"),
  checkMirror: (repository: string | null) => call("check_mirror", { repository }),
  repairMirror: (repository: string | null) => call("repair_mirror", { repository }),
  getMirrorFallback: () => call("get_mirror_fallback"),
  openMirrorFallback: () => call("open_mirror_fallback"),
  exportCommits: (
    request: { query: CommitQuery; search: string | null },
    format: ExportFormat,
    path: string,
    onProgress: (progress: ExportProgress) => void,
  ) => call("export_commits", { ...request, format, path, onProgress: new Channel<ExportProgress>(onProgress) }),
  removeRepository: (name: string) => call("remove_repository", { name }),
  setChangeIndex: (name: string, enabled: boolean) => call("set_change_index", { name, enabled }),
  setKeepInSync: (name: string, seconds: number | null) => call("set_keep_in_sync", { name, seconds }),
  saveToken: (url: string, token: string) => call("save_token", { url, token }),
  getBackupSettings: () => call("get_backup_settings"),
  saveBackupSettings: (settings: BackupSettings) => call("save_backup_settings", { settings }),
  listBackups: () => call("list_backups"),
  createBackup: (password: string | null, onProgress: (progress: BackupProgress) => void) =>
    call("create_backup", { password, onProgress: new Channel<BackupProgress>(onProgress) }),
  cancelBackup: () => call("cancel_backup"),
  verifyBackup: (path: string, password: string | null, onProgress: (progress: BackupProgress) => void) =>
    call("verify_backup", { path, password, onProgress: new Channel<BackupProgress>(onProgress) }),
  deleteBackup: (path: string) => call("delete_backup", { path }),
  previewRestore: (path: string) => call("preview_restore", { path }),
  restoreBackup: (path: string, password: string | null, onProgress: (progress: BackupProgress) => void) =>
    call("restore_backup", { path, password, onProgress: new Channel<BackupProgress>(onProgress) }),
  pruneBackups: (policy: RetentionPolicy, dryRun: boolean) => call("prune_backups", { policy, dryRun }),
  listSchedules: () => call("list_schedules"),
  addSchedule: (schedule: NewSchedule) => call("add_schedule", { schedule }),
  removeSchedule: (name: string) => call("remove_schedule", { name }),
  previewSchedule: (spec: ScheduleSpec, count: number | null) => call("preview_schedule", { spec, count }),
  runAnalysis: (request: AnalysisRequest, onProgress: (progress: AnalysisProgress) => void) =>
    call("run_analysis", { request, onProgress: new Channel<AnalysisProgress>(onProgress) }),
  cancelAnalysis: () => call("cancel_analysis"),
  listAnalysisRuns: (repository: string, limit: number | null) => call("list_analysis_runs", { repository, limit }),
  getAnalysisRun: (runId: number) => call("get_analysis_run", { runId }),
  exportAnalysis: (runId: number, table: string | null, format: ExportFormat, path: string) =>
    call("export_analysis", { runId, table, format, path }),
  getGraphPage: (repositoryId: number, scope: string | null, offset: number, limit: number) =>
    call("get_graph_page", { repositoryId, scope, offset, limit }),
  getFileHistory: (repositoryId: number, path: string, rev: string | null) => call("get_file_history", { repositoryId, path, rev }),
  blameFile: (repository: string, path: string, rev: string | null) => call("blame_file", { repository, path, rev }),
  lineHistory: (repository: string, path: string, start: number, end: number, rev: string | null) =>
    call("line_history", { repository, path, start, end, rev }),
  compareRevisions: (repository: string, left: string, right: string, threeDot: boolean) =>
    call("compare_revisions", { repository, left, right, threeDot }),
  /** One file of a comparison with its diff text (`from`: the left side, or the merge base for three-dot). */
  compareFileDiff: (repository: string, from: string, to: string, path: string) =>
    call("compare_file_diff", { repository, from, to, path }),
};

/**
 * Listens to a backend event; resolves to the function that stops listening. Outside the app
 * (no Tauri runtime, e.g. in unit tests) it rejects; callers treat that as "no events".
 */
export function onEvent<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<UnlistenFn> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}
