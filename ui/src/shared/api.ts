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

import type { AnalysisProgress } from "../bindings/AnalysisProgress";
import type { AnalysisRequest } from "../bindings/AnalysisRequest";
import type { AnalysisRun } from "../bindings/AnalysisRun";
import type { AppInfo } from "../bindings/AppInfo";
import type { AppSettings } from "../bindings/AppSettings";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupProgress } from "../bindings/BackupProgress";
import type { BackupSettings } from "../bindings/BackupSettings";
import type { CommitPage } from "../bindings/CommitPage";
import type { CommitQuery } from "../bindings/CommitQuery";
import type { CommitWithChanges } from "../bindings/CommitWithChanges";
import type { CreateReport } from "../bindings/CreateReport";
import type { ExportProgress } from "../bindings/ExportProgress";
import type { Filter } from "../bindings/Filter";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { GitRef } from "../bindings/GitRef";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportReport } from "../bindings/ImportReport";
import type { QueryOptions } from "../bindings/QueryOptions";
import type { Repository } from "../bindings/Repository";
import type { RestorePreview } from "../bindings/RestorePreview";
import type { RestoreReport } from "../bindings/RestoreReport";
import type { RetentionDecision } from "../bindings/RetentionDecision";
import type { RetentionPolicy } from "../bindings/RetentionPolicy";
import type { SavedQuery } from "../bindings/SavedQuery";
import type { Schedule } from "../bindings/Schedule";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { ScheduleSpec } from "../bindings/ScheduleSpec";
import type { StoreInfo } from "../bindings/StoreInfo";
import type { VerifyReport } from "../bindings/VerifyReport";
import { CommandError, normalizeError } from "./errors";

export type { AppInfo, ExportProgress };

/** Formats `export_commits` writes. */
export type ExportFormat = "csv" | "json" | "ndjson";

/** A command that takes no arguments. */
export type NoArgs = Record<string, never>;

/** Command name → argument and result types. Keep in step with `generate_handler!` in Rust. */
export interface Commands {
  store_info: { args: NoArgs; result: AppInfo };
  list_repositories: { args: NoArgs; result: Repository[] };
  /** Imports or syncs the repository folder `path`; `name` defaults to the folder name. */
  import_repository: {
    args: { path: string; name: string | null; onProgress: Channel<ImportProgress> };
    result: ImportReport;
  };
  /** Cancels the running import; resolves to whether one was running. */
  cancel_import: { args: NoArgs; result: boolean };
  query_commits: { args: { query: CommitQuery }; result: CommitPage };
  /** The exact number of commits matching the query's filter (paging options are ignored). */
  count_commits: { args: { query: CommitQuery }; result: number };
  /** The search-box syntax, optionally limited to one repository (by name). */
  search_commits: { args: { text: string; options: QueryOptions; repository: string | null }; result: CommitPage };
  get_commit: { args: { repositoryId: number; hash: string }; result: CommitWithChanges };
  /** Like `get_commit`, but every change's `diff` is null (`diff_size` is kept). */
  get_commit_stat: { args: { repositoryId: number; hash: string }; result: CommitWithChanges };
  /** One file change's diff text, or null when it has none (binary, submodule). */
  get_file_diff: { args: { fileChangeId: number }; result: string | null };
  /** The search-box syntax compiled to the filter model (the backend owns the syntax). */
  parse_search: { args: { text: string }; result: Filter };
  list_saved_queries: { args: NoArgs; result: SavedQuery[] };
  /** Saves `filter` under `name`, replacing a saved query of that name. */
  save_query: { args: { name: string; filter: Filter }; result: SavedQuery };
  rename_saved_query: { args: { name: string; newName: string }; result: SavedQuery };
  delete_saved_query: { args: { name: string }; result: null };
  /** Branches and tags of a repository. */
  list_refs: { args: { repositoryId: number }; result: GitRef[] };
  get_settings: { args: NoArgs; result: AppSettings };
  /** Opens the database at `url` (null: the embedded SQLite file) without switching to it. */
  test_connection: { args: { url: string | null }; result: StoreInfo };
  /** Saves the database URL and switches the app to that store. */
  save_database_url: { args: { url: string | null }; result: AppInfo };
  /**
   * Writes the commits of `query`, narrowed by the search-box text `search` when given, to the file
   * `path`; resolves to how many were written.
   */
  export_commits: {
    args: { query: CommitQuery; search: string | null; format: ExportFormat; path: string; onProgress: Channel<ExportProgress> };
    result: number;
  };
  /** Removes a repository and what is stored about it (not its folder); resolves to the commits removed. */
  remove_repository: { args: { name: string }; result: number };
  /** Where manual backups go and what retention keeps. */
  get_backup_settings: { args: NoArgs; result: BackupSettings };
  /** Saves them; a bad destination or a policy that keeps nothing is a `validation` error. */
  save_backup_settings: { args: { settings: BackupSettings }; result: BackupSettings };
  /** Every backup in every destination, newest first (damaged ones included, marked). */
  list_backups: { args: NoArgs; result: BackupInfo[] };
  /** A manual backup into every enabled destination (encrypted when a password is given). */
  create_backup: { args: { password: string | null; onProgress: Channel<BackupProgress> }; result: CreateReport };
  /** Cancels the running backup job; resolves to whether one was running. */
  cancel_backup: { args: NoArgs; result: boolean };
  verify_backup: { args: { path: string; password: string | null; onProgress: Channel<BackupProgress> }; result: VerifyReport };
  delete_backup: { args: { path: string }; result: null };
  /** What a restore of `path` would replace, and where the safety backup goes. */
  preview_restore: { args: { path: string }; result: RestorePreview };
  /** Restores `path` over the current data (a safety backup first); the store is reopened. */
  restore_backup: { args: { path: string; password: string | null; onProgress: Channel<BackupProgress> }; result: RestoreReport };
  /** Retention over the destinations; with `dryRun` nothing is removed. */
  prune_backups: { args: { policy: RetentionPolicy; dryRun: boolean }; result: RetentionDecision[] };
  list_schedules: { args: NoArgs; result: Schedule[] };
  add_schedule: { args: { schedule: NewSchedule }; result: Schedule };
  remove_schedule: { args: { name: string }; result: null };
  /** The next `count` (default 5) run times, RFC 3339 UTC; a bad expression is a `validation` error. */
  preview_schedule: { args: { spec: ScheduleSpec; count: number | null }; result: string[] };
  /**
   * Runs an analysis, or reuses its stored result when nothing changed (`reused`); a failed or
   * cancelled run resolves to a run with `error` and its status.
   */
  run_analysis: { args: { request: AnalysisRequest; onProgress: Channel<AnalysisProgress> }; result: AnalysisRun };
  /** Cancels the running analysis; resolves to whether one was running. */
  cancel_analysis: { args: NoArgs; result: boolean };
  /** A repository's stored runs, newest first, without their results (`limit` default 50). */
  list_analysis_runs: { args: { repository: string; limit: number | null }; result: AnalysisRun[] };
  /** One stored run with its result. */
  get_analysis_run: { args: { runId: number }; result: AnalysisRun };
  /**
   * Writes a run's result to `path`: one of its tables (a field of `data` holding a list) as rows,
   * or with `table` null and JSON the whole result; resolves to the rows written.
   */
  export_analysis: { args: { runId: number; table: string | null; format: ExportFormat; path: string }; result: number };
}

/** Events the backend emits, with their payloads. */
export interface Events {
  /** A scheduled backup ran (in the app's own scheduler), successfully or not. */
  "backup-schedule-ran": ScheduleRun;
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
  importRepository: (path: string, name: string | null, onProgress: (progress: ImportProgress) => void) =>
    call("import_repository", { path, name, onProgress: new Channel<ImportProgress>(onProgress) }),
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
  exportCommits: (
    request: { query: CommitQuery; search: string | null },
    format: ExportFormat,
    path: string,
    onProgress: (progress: ExportProgress) => void,
  ) => call("export_commits", { ...request, format, path, onProgress: new Channel<ExportProgress>(onProgress) }),
  removeRepository: (name: string) => call("remove_repository", { name }),
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
};

/**
 * Listens to a backend event; resolves to the function that stops listening. Outside the app
 * (no Tauri runtime, e.g. in unit tests) it rejects; callers treat that as "no events".
 */
export function onEvent<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<UnlistenFn> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}
