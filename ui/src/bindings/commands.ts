// Generated from the #[tauri::command] fns in src-tauri/src by src-tauri/src/command_table.rs;
// do not edit (`cargo test` rewrites it).
import type { Channel } from "@tauri-apps/api/core";
import type { AnalysisRequest } from "./AnalysisRequest";
import type { AnalysisRun } from "./AnalysisRun";
import type { AppInfo } from "./AppInfo";
import type { AppSettings } from "./AppSettings";
import type { BackupInfo } from "./BackupInfo";
import type { BackupPhase } from "./BackupPhase";
import type { BackupSettings } from "./BackupSettings";
import type { Blame } from "./Blame";
import type { CheckReport } from "./CheckReport";
import type { CommitPage } from "./CommitPage";
import type { CommitQuery } from "./CommitQuery";
import type { CommitWithChanges } from "./CommitWithChanges";
import type { Comparison } from "./Comparison";
import type { CopyAndSwitch } from "./CopyAndSwitch";
import type { CopyPhase } from "./CopyPhase";
import type { CreateReport } from "./CreateReport";
import type { DrainReport } from "./DrainReport";
import type { FileChange } from "./FileChange";
import type { Filter } from "./Filter";
import type { GitRef } from "./GitRef";
import type { GraphPage } from "./GraphPage";
import type { ImportPhase } from "./ImportPhase";
import type { ImportReport } from "./ImportReport";
import type { LineHistory } from "./LineHistory";
import type { MirrorFallback } from "./MirrorFallback";
import type { MirrorStatus } from "./MirrorStatus";
import type { NewSchedule } from "./NewSchedule";
import type { PathChange } from "./PathChange";
import type { Progress } from "./Progress";
import type { QueryOptions } from "./QueryOptions";
import type { Repository } from "./Repository";
import type { RestorePreview } from "./RestorePreview";
import type { RestoreReport } from "./RestoreReport";
import type { RetentionDecision } from "./RetentionDecision";
import type { RetentionPolicy } from "./RetentionPolicy";
import type { SavedQuery } from "./SavedQuery";
import type { Schedule } from "./Schedule";
import type { ScheduleSpec } from "./ScheduleSpec";
import type { StoreInfo } from "./StoreInfo";
import type { TeamStatus } from "./TeamStatus";
import type { TokenSaved } from "./TokenSaved";
import type { VerifyReport } from "./VerifyReport";
import type { Workspace } from "./Workspace";
import type { WorkspaceDeletion } from "./WorkspaceDeletion";

/** Command name → the arguments the UI passes and the result it gets. */
export interface Commands {
  add_schedule: { args: { schedule: NewSchedule }; result: Schedule };
  /**
   * Each line of a file at a revision with the commit that last changed it, from the stored diffs.
   */
  blame_file: { args: { repository: string; path: string; rev: string | null }; result: Blame };
  cancel_analysis: { args: Record<string, never>; result: boolean };
  cancel_backup: { args: Record<string, never>; result: boolean };
  /**
   * Cancels the running import (it stops between commits and keeps what was stored). Returns
   * whether an import was running.
   */
  cancel_import: { args: Record<string, never>; result: boolean };
  /**
   * Compares the mirror with the open store (one repository, or everything).
   */
  check_mirror: { args: { repository: string | null }; result: CheckReport };
  /**
   * One file of a comparison with its diff text (`from` is the left side for two-dot, the merge
   * base for three-dot), read from the repository folder.
   */
  compare_file_diff: { args: { repository: string; from: string; to: string; path: string }; result: FileChange };
  /**
   * Two revisions compared: commits only on each side, merge bases, and the changed files
   * (two-dot from the left, or three-dot from the merge base).
   */
  compare_revisions: { args: { repository: string; left: string; right: string; threeDot: boolean }; result: Comparison };
  /**
   * Settings › Database, "Copy my data to this database and switch": closes the store (no write
   * may slip past the copy), copies it into the empty database at `url` (the blob store stays
   * shared), and switches to it only when the verification agrees; otherwise the app reopens its
   * own database. Progress: a table's name, tables done of all.
   */
  copy_store_and_switch: { args: { url: string | null; onProgress: Channel<Progress<CopyPhase>> }; result: CopyAndSwitch };
  /**
   * How many commits match the query's filter, exactly: the list sizes its scrollbar by it when
   * the page's own count stopped at its cap.
   */
  count_commits: { args: { query: CommitQuery }; result: number };
  /**
   * A manual backup into every enabled destination, with progress; `cancel_backup` stops it.
   */
  create_backup: { args: { password: string | null; onProgress: Channel<Progress<BackupPhase>> }; result: CreateReport };
  create_workspace: { args: { name: string }; result: Workspace };
  delete_backup: { args: { path: string }; result: null };
  delete_saved_query: { args: { name: string }; result: null };
  /**
   * Forgets the token of the server of `url`; whether there was one.
   */
  delete_token: { args: { url: string }; result: boolean };
  delete_workspace: { args: { name: string }; result: WorkspaceDeletion };
  disable_mirror: { args: Record<string, never>; result: MirrorStatus };
  /**
   * Drains the outbox now (behind the breaker: an open breaker answers without trying).
   */
  drain_mirror: { args: Record<string, never>; result: DrainReport };
  /**
   * Mirrors the open store into `url` (the whole store is queued); the drainer picks it up.
   */
  enable_mirror: { args: { url: string; cooldownSeconds: number | null }; result: MirrorStatus };
  /**
   * Writes a run's result to `path`: the whole result as JSON, or one of its tables (`table`: a
   * field of the result holding a list, e.g. `authors`, `files`, `pairs`) as CSV, JSON or NDJSON.
   * Returns how many rows were written (1 for a whole result).
   */
  export_analysis: { args: { runId: number; table: string | null; format: string; path: string }; result: number };
  /**
   * Writes every commit the History list shows — `query`, narrowed by the search-box `search` when
   * given — to `path` as `format` (`csv`, `json`, `ndjson`), through `PATH.partial`. Returns how
   * many commits were written. Progress: phase `writing`, commits written of the match count (which
   * may be a lower bound).
   */
  export_commits: { args: { query: CommitQuery; search: string | null; format: string; path: string; onProgress: Channel<Progress<string>> }; result: number };
  /**
   * One stored run with its result.
   */
  get_analysis_run: { args: { runId: number }; result: AnalysisRun };
  get_backup_settings: { args: Record<string, never>; result: BackupSettings };
  get_commit: { args: { repositoryId: number; hash: string }; result: CommitWithChanges };
  /**
   * A commit with its file list but without the diff texts; `get_file_diff` reads one file's diff.
   */
  get_commit_stat: { args: { repositoryId: number; hash: string }; result: CommitWithChanges };
  /**
   * One file's diff text (lossy UTF-8 for display), or null when the change has none (binary).
   */
  get_file_diff: { args: { fileChangeId: number }; result: string | null };
  /**
   * Every commit that changed a file, newest first, following renames (as `git log --follow`);
   * `rev` limits it to what a branch, tag or commit reaches.
   */
  get_file_history: { args: { repositoryId: number; path: string; rev: string | null }; result: PathChange[] };
  /**
   * Rows `offset..offset + limit` of the commit graph of a repository (`scope` null: every commit;
   * otherwise a branch or tag), in the History list's order.
   */
  get_graph_page: { args: { repositoryId: number; scope: string | null; offset: number; limit: number }; result: GraphPage };
  get_mirror_fallback: { args: Record<string, never>; result: MirrorFallback };
  /**
   * The mirror's health as the open store knows it (polled by the header badge).
   */
  get_mirror_status: { args: Record<string, never>; result: MirrorStatus };
  get_settings: { args: Record<string, never>; result: AppSettings };
  /**
   * Imports a repository folder, clones and imports a URL (https://, git://, ssh://, file://), or
   * syncs a stored repository (`name` names it: one added by URL fetches first). Runs on the async
   * runtime, so the window stays responsive; progress goes through `on_progress`; `cancel_import`
   * stops it.
   */
  import_repository: { args: { path: string; name: string | null; workspace: string | null; onProgress: Channel<Progress<ImportPhase>> }; result: ImportReport };
  /**
   * The commits that changed lines `start..=end` (1-based) of a file at a revision (as `git log -L`).
   */
  line_history: { args: { repository: string; path: string; start: number; end: number; rev: string | null }; result: LineHistory };
  /**
   * A repository's stored runs, newest first, without their results.
   */
  list_analysis_runs: { args: { repository: string; limit: number | null }; result: AnalysisRun[] };
  /**
   * Every backup in every destination, newest first (damaged ones included, marked).
   */
  list_backups: { args: Record<string, never>; result: BackupInfo[] };
  /**
   * Branches and tags of a repository (for the branch selector).
   */
  list_refs: { args: { repositoryId: number }; result: GitRef[] };
  list_repositories: { args: Record<string, never>; result: Repository[] };
  list_saved_queries: { args: Record<string, never>; result: SavedQuery[] };
  list_schedules: { args: Record<string, never>; result: Schedule[] };
  /**
   * The workspaces the connection sees (a team member: only those granted to it).
   */
  list_workspaces: { args: Record<string, never>; result: Workspace[] };
  move_repository: { args: { repository: string; workspace: string }; result: Repository };
  /**
   * Opens the team mirror read-only in place of a primary that cannot be opened.
   */
  open_mirror_fallback: { args: Record<string, never>; result: AppInfo };
  /**
   * The search-box syntax compiled to the filter model (the filter builder shows the same filter).
   */
  parse_search: { args: { text: string }; result: Filter };
  preview_restore: { args: { path: string }; result: RestorePreview };
  /**
   * The next `count` run times of a schedule (RFC 3339 UTC), or why the spec is wrong.
   */
  preview_schedule: { args: { spec: ScheduleSpec; count: number | null }; result: string[] };
  /**
   * What deleting the workspace would remove, for the confirmation.
   */
  preview_workspace_deletion: { args: { name: string }; result: WorkspaceDeletion };
  /**
   * Retention over every destination: with `dry_run`, only what would go and why.
   */
  prune_backups: { args: { policy: RetentionPolicy; dryRun: boolean }; result: RetentionDecision[] };
  query_commits: { args: { query: CommitQuery }; result: CommitPage };
  /**
   * Removes a repository and everything stored about it (not its folder on disk); returns how many
   * commits went. Waits for no import: while one runs it answers `busy`.
   */
  remove_repository: { args: { name: string }; result: number };
  remove_schedule: { args: { name: string }; result: null };
  rename_saved_query: { args: { name: string; newName: string }; result: SavedQuery };
  rename_workspace: { args: { name: string; newName: string }; result: Workspace };
  /**
   * Re-sends what differs and checks again.
   */
  repair_mirror: { args: { repository: string | null }; result: CheckReport };
  /**
   * Restores a backup over the current data: a safety backup of the current data first, the store
   * closed while the files are swapped, then reopened. If anything fails the current data stays.
   */
  restore_backup: { args: { path: string; password: string | null; onProgress: Channel<Progress<BackupPhase>> }; result: RestoreReport };
  /**
   * Runs `request` (a stored result is reused while the history and the parameters are the same);
   * a failed or cancelled run comes back as a run with `error`.
   */
  run_analysis: { args: { request: AnalysisRequest; onProgress: Channel<Progress<string>> }; result: AnalysisRun };
  save_backup_settings: { args: { settings: BackupSettings }; result: BackupSettings };
  /**
   * Saves the database URL (null or empty: the embedded SQLite file) after checking that it opens,
   * then switches the app to it.
   */
  save_database_url: { args: { url: string | null }; result: AppInfo };
  /**
   * Saves `filter` under `name`, replacing a saved query of that name.
   */
  save_query: { args: { name: string; filter: Filter }; result: SavedQuery };
  /**
   * Keeps a token for the server of `url` in the OS keyring (never in a settings file).
   */
  save_token: { args: { url: string; token: string }; result: TokenSaved };
  /**
   * The search-box syntax (`author:alice path:src/ "fix crash"`), optionally limited to one
   * repository by name.
   */
  search_commits: { args: { text: string; options: QueryOptions; repository: string | null }; result: CommitPage };
  /**
   * Turns the change index (`change:`, `added:`, `removed:` searches) on or off for a repository;
   * on indexes the commits already stored first. Like removal it waits for no import: while one
   * runs it answers `busy`.
   */
  set_change_index: { args: { name: string; enabled: boolean }; result: Repository };
  /**
   * Turns background sync of a repository on (every `seconds`, at least 60) or off (null).
   */
  set_keep_in_sync: { args: { name: string; seconds: number | null }; result: Repository };
  store_info: { args: Record<string, never>; result: AppInfo };
  /**
   * SQLite (no roles), or PostgreSQL as the owner or as a member.
   */
  team_status: { args: Record<string, never>; result: TeamStatus };
  /**
   * Opens the database at `url` (null or empty: the embedded SQLite file) without changing it and
   * describes it; the settings screen's "Test connection".
   */
  test_connection: { args: { url: string | null }; result: StoreInfo };
  /**
   * Connects to `url` and checks its schema version against the open store's; changes nothing.
   */
  test_mirror: { args: { url: string }; result: null };
  verify_backup: { args: { path: string; password: string | null; onProgress: Channel<Progress<BackupPhase>> }; result: VerifyReport };
}
