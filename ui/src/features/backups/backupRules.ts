/**
 * The Backups page's rules: how sizes, ages and kinds read, which backups count as verified,
 * schedule presets, the retention and destination forms' checks, and the restore comparison.
 */
import type { BackupInfo } from "../../bindings/BackupInfo";
import type { BackupKind } from "../../bindings/BackupKind";
import type { BackupManifest } from "../../bindings/BackupManifest";
import type { BackupPhase } from "../../bindings/BackupPhase";
import type { BackupProgress } from "../../shared/progress";
import type { BackupSettings } from "../../bindings/BackupSettings";
import type { CreateReport } from "../../bindings/CreateReport";
import type { Destination } from "../../bindings/Destination";
import type { RestorePreview } from "../../bindings/RestorePreview";
import type { RestoreReport } from "../../bindings/RestoreReport";
import type { RetentionDecision } from "../../bindings/RetentionDecision";
import type { RetentionPolicy } from "../../bindings/RetentionPolicy";
import type { Schedule } from "../../bindings/Schedule";
import type { ScheduleRun } from "../../bindings/ScheduleRun";
import type { ScheduleSpec } from "../../bindings/ScheduleSpec";
import type { VerifyReport } from "../../bindings/VerifyReport";
import type { WorkspaceCount } from "../../bindings/WorkspaceCount";
import { formatCount } from "../../shared/format";

// --- Formatting ---------------------------------------------------------------------------------

const UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** A size in bytes in binary units, one decimal from MB on: 512 B, 12 KB, 3.4 MB, 1.2 GB. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  if (unit === 1) return `${Math.round(value)} KB`;
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** How long ago `iso` was, seen at `now`: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(iso: string, now: Date = new Date()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "unknown";
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 0) return "in the future";
  if (seconds < 60) return "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/** An RFC 3339 time as a local date and time, e.g. "1 Mar 2024, 08:00" (time zone optional). */
export function formatTime(iso: string | null, options: { locale?: string; timeZone?: string } = {}): string {
  if (iso === null) return "—";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "unknown";
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: "medium",
    timeStyle: "short",
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
  }).format(new Date(time));
}

/** A duration in milliseconds: "850 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export const KIND_LABELS: Record<BackupKind, string> = {
  manual: "Manual",
  scheduled: "Scheduled",
  automatic: "Automatic",
  emergency: "Emergency",
};

export function kindLabel(kind: BackupKind | null): string {
  return kind === null ? "Unknown" : KIND_LABELS[kind];
}

export const PHASE_LABELS: Record<BackupPhase, string> = {
  snapshot: "Taking a snapshot",
  integrity: "Checking integrity",
  archive: "Writing the archive",
  verify: "Verifying",
  encrypt: "Encrypting",
  extract: "Extracting",
  safety_backup: "Taking a safety backup",
  swap: "Swapping the data in",
  done: "Done",
};

/** The share of the work done (0..1), or null when the total is unknown. */
export function backupFraction(progress: BackupProgress | null): number | null {
  if (progress === null || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

// --- Verified or not ----------------------------------------------------------------------------

/** What the page remembers of the last Verify of one backup (by path). */
export type Verification = { status: "ok"; at: string } | { status: "problems"; problems: string[]; at: string };

export type VerifiedState = "damaged" | "verified" | "problems" | "unverified";

export function verificationOf(report: VerifyReport, at: string): Verification {
  return report.ok && report.problems.length === 0 ? { status: "ok", at } : { status: "problems", problems: report.problems, at };
}

/**
 * Whether a backup shows as verified: damaged (the list could not read it) wins, then the page's
 * last Verify of that path; never verified in this session shows as unverified.
 */
export function verifiedState(backup: BackupInfo, verifications: Readonly<Record<string, Verification>>): VerifiedState {
  if (backup.damaged !== null) return "damaged";
  const verification = verifications[backup.path];
  if (verification === undefined) return "unverified";
  return verification.status === "ok" ? "verified" : "problems";
}

export const VERIFIED_LABELS: Record<VerifiedState, string> = {
  damaged: "Damaged",
  verified: "Verified",
  problems: "Problems found",
  unverified: "Not verified",
};

/** Verifications of paths that are no longer listed are dropped. */
export function keepListed(
  verifications: Readonly<Record<string, Verification>>,
  backups: readonly BackupInfo[],
): Record<string, Verification> {
  const listed = new Set(backups.map((b) => b.path));
  return Object.fromEntries(Object.entries(verifications).filter(([path]) => listed.has(path)));
}

// --- Create --------------------------------------------------------------------------------------

/** One line about a finished backup: where it went, and which destinations failed. */
export function describeCreate(report: CreateReport): { text: string; failed: { destination: string; message: string }[] } {
  const written = report.results.filter((r) => r.backup !== null);
  const failed = report.results.flatMap((r) => (r.error === null ? [] : [{ destination: r.destination, message: r.error.message }]));
  const where = written.length === 1 ? written[0]?.backup?.path ?? "" : `${written.length} destinations`;
  const text = written.length === 0 ? "The backup was not written to any destination." : `Backup written to ${where}.`;
  return { text, failed };
}

// --- Restore comparison --------------------------------------------------------------------------

export const TABLE_LABELS: Readonly<Record<string, string>> = {
  repositories: "Repositories",
  commits: "Commits",
  saved_queries: "Saved queries",
};

export interface CompareRow {
  table: string;
  label: string;
  /** Rows now (replaced by the restore). */
  current: number | null;
  /** Rows in the backup (null: the manifest cannot be read without the password, or lacks it). */
  backup: number | null;
}

/**
 * The restore confirmation's table: one row per table the app counts now, in that order, with
 * the backup's count from its manifest beside it.
 */
export function compareRows(preview: RestorePreview): CompareRow[] {
  const manifest = preview.backup.manifest;
  return preview.current.map(({ table, rows }) => {
    const inBackup = manifest?.row_counts.find((c) => c.table === table);
    return { table, label: TABLE_LABELS[table] ?? table, current: rows, backup: inBackup === undefined ? null : inBackup.rows };
  });
}

// --- One workspace in a backup ------------------------------------------------------------------

/**
 * What a backup's manifest says of one workspace: its counts; `absent`: the backup had no such
 * workspace; `unknown`: the manifest does not count per workspace (a backup made before they
 * were counted) or cannot be read (encrypted, damaged). Unknown is never shown as zero.
 */
export type WorkspaceInBackup = { state: "counted"; counts: WorkspaceCount } | { state: "absent" } | { state: "unknown" };

export function workspaceInBackup(manifest: BackupManifest | null, workspace: string): WorkspaceInBackup {
  const all = manifest?.workspace_counts ?? null;
  if (all === null) return { state: "unknown" };
  const counts = all.find((c) => c.workspace === workspace);
  return counts === undefined ? { state: "absent" } : { state: "counted", counts };
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The backup list's cell for the selected workspace: "25 commits", "not in this backup", "unknown". */
export function workspaceCommitsText(backup: BackupInfo, workspace: string): string {
  const found = workspaceInBackup(backup.manifest, workspace);
  if (found.state === "counted") return plural(found.counts.commits, "commit", "commits");
  if (found.state === "absent") return "not in this backup";
  return backup.encrypted && backup.manifest === null ? "encrypted" : "unknown";
}

/** Why a list cell says "unknown" (its tooltip), or null. */
export function workspaceUnknownReason(backup: BackupInfo, workspace: string): string | null {
  if (workspaceInBackup(backup.manifest, workspace).state !== "unknown") return null;
  if (backup.manifest === null) {
    return backup.encrypted ? "Encrypted: its counts are read once the password opens it." : "The manifest cannot be read.";
  }
  return `This backup was made before backups counted rows per workspace: how many rows "${workspace}" had is not known.`;
}

export const WORKSPACE_TABLE_LABELS: Readonly<Record<"repositories" | "commits" | "file_changes" | "saved_queries", string>> = {
  repositories: "Repositories",
  commits: "Commits",
  file_changes: "File changes",
  saved_queries: "Saved queries",
};

/**
 * The restore confirmation's rows for the workspace selected in the header: its rows now beside
 * the backup's. A workspace the backup does not have counts 0 there (the restore removes it);
 * one whose counts the manifest does not know shows null, never 0.
 */
export function compareWorkspaceRows(preview: RestorePreview, workspace: string): CompareRow[] {
  const now = preview.current_workspaces.find((c) => c.workspace === workspace) ?? null;
  const inBackup = workspaceInBackup(preview.backup.manifest, workspace);
  return (Object.keys(WORKSPACE_TABLE_LABELS) as (keyof typeof WORKSPACE_TABLE_LABELS)[]).map((table) => ({
    table,
    label: WORKSPACE_TABLE_LABELS[table],
    current: now === null ? null : now[table],
    backup: inBackup.state === "counted" ? inBackup.counts[table] : inBackup.state === "absent" ? 0 : null,
  }));
}

/** The sentence over the workspace's rows: that a restore replaces every workspace, not this one only. */
export function workspaceScopeText(preview: RestorePreview, workspace: string): string {
  const replacesAll = `A restore replaces all workspaces, not only "${workspace}": the whole store's totals are below.`;
  const found = workspaceInBackup(preview.backup.manifest, workspace);
  if (found.state === "absent") return `The backup has no workspace "${workspace}": the restore removes it. ${replacesAll}`;
  if (found.state === "unknown") {
    const why =
      preview.backup.manifest === null
        ? `the backup's counts for "${workspace}" are read once it is opened`
        : `this backup was made before backups counted rows per workspace, so its counts for "${workspace}" are unknown`;
    return `Workspace "${workspace}" now beside the backup: ${why}. ${replacesAll}`;
  }
  return `Workspace "${workspace}" now beside the backup. ${replacesAll}`;
}

/**
 * The notice after a restore: the whole store's restored counts, the selected workspace's counts
 * in the restored backup (or why they are not known), and where the safety backup went.
 */
export function restoredText(report: RestoreReport, workspace: string | null = null): string {
  const counts = report.row_counts
    .filter((c) => c.table in TABLE_LABELS)
    .map((c) => `${formatCount(c.rows)} ${(TABLE_LABELS[c.table] ?? c.table).toLowerCase()}`)
    .join(", ");
  let scoped = "";
  if (workspace !== null) {
    const found = workspaceInBackup(report.manifest, workspace);
    scoped =
      found.state === "counted"
        ? ` Workspace "${workspace}" now has ${plural(found.counts.repositories, "repository", "repositories")} and ${plural(found.counts.commits, "commit", "commits")}.`
        : found.state === "absent"
          ? ` The backup had no workspace "${workspace}": the restore removed it.`
          : ` This backup does not count rows per workspace: what "${workspace}" holds now is on the Repositories page.`;
  }
  const safety = report.safety_backup === null ? "" : ` The data it replaced is in the safety backup ${report.safety_backup}.`;
  return `Restored the backup of ${formatTime(report.manifest.created_at)}${counts === "" ? "" : ` (${counts})`}.${scoped}${safety}`;
}

/** The sentence under the table: the safety backup first, and where it goes. */
export function safetyText(safetyTo: readonly string[]): string {
  if (safetyTo.length === 0) {
    return "A safety backup of the current data is taken first; no destination is enabled, so the restore will refuse until one is.";
  }
  return `A safety backup of the current data is taken first, into ${safetyTo.join(" and ")}. If anything fails, the current data stays as it is.`;
}

// --- Schedules -----------------------------------------------------------------------------------

export type PresetId = "hourly" | "daily" | "weekly" | "custom";

export const PRESETS: readonly { id: Exclude<PresetId, "custom">; label: string; expression: string; name: string }[] = [
  { id: "hourly", label: "Hourly", expression: "0 * * * *", name: "hourly" },
  { id: "daily", label: "Daily at 03:00", expression: "0 3 * * *", name: "daily" },
  { id: "weekly", label: "Weekly, Sunday 03:00", expression: "0 3 * * 0", name: "weekly" },
];

/** The cron expression a preset (or the custom field) stands for; the custom text is trimmed. */
export function presetExpression(preset: PresetId, custom: string): string {
  if (preset === "custom") return custom.trim().replace(/\s+/g, " ");
  return PRESETS.find((p) => p.id === preset)?.expression ?? "";
}

/** A cron spec in the given IANA time zone (null: the app's local zone). */
export function cronSpec(expression: string, timezone: string | null): ScheduleSpec {
  return { type: "cron", expression, timezone };
}

/** The time zone the webview runs in, for schedules ("at 03:00" means 03:00 here). */
export function localTimeZone(): string | null {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone === "" ? null : zone;
  } catch {
    return null;
  }
}

/** A schedule's spec in words: "0 3 * * * (Europe/Berlin)", "every 2 h". */
export function describeSpec(spec: ScheduleSpec): string {
  if (spec.type === "cron") return spec.timezone === null ? spec.expression : `${spec.expression} (${spec.timezone})`;
  const s = spec.seconds;
  if (s % 86_400 === 0) return s === 86_400 ? "every day" : `every ${s / 86_400} days`;
  if (s % 3600 === 0) return s === 3600 ? "every hour" : `every ${s / 3600} h`;
  if (s % 60 === 0) return `every ${s / 60} min`;
  return `every ${s} s`;
}

/** A schedule whose last run did not fully succeed needs the user's eye. */
export function scheduleFailed(schedule: Pick<Schedule, "last_result" | "last_error">): boolean {
  return schedule.last_error !== null || (schedule.last_result !== null && schedule.last_result !== "ok");
}

/** A failed scheduled run (from the `backup-schedule-ran` event) as a sentence. */
export function describeRun(run: ScheduleRun): string {
  const what = run.result === "partial" ? "partly failed" : "failed";
  return `The scheduled backup "${run.schedule}" ${what}: ${run.error ?? "no reason was given"}`;
}

export function runFailed(run: ScheduleRun): boolean {
  return run.error !== null || run.result !== "ok";
}

/** Checks the Add schedule form; the cron expression itself is checked by the backend's preview. */
export function scheduleProblem(name: string, expression: string, names: readonly string[]): string | null {
  if (name.trim() === "") return "Give the schedule a name.";
  if (names.includes(name.trim())) return `A schedule called "${name.trim()}" exists already.`;
  if (expression === "") return "Enter a cron expression, e.g. 30 2 * * 1-5.";
  return null;
}

// --- Retention -----------------------------------------------------------------------------------

export type RetentionKey = keyof RetentionPolicy;

export const RETENTION_FIELDS: readonly { key: RetentionKey; label: string; hint: string }[] = [
  { key: "keep_last", label: "Keep last", hint: "the newest N backups" },
  { key: "keep_daily", label: "Daily", hint: "the newest backup of each of the last N days" },
  { key: "keep_weekly", label: "Weekly", hint: "the newest backup of each of the last N weeks" },
  { key: "keep_monthly", label: "Monthly", hint: "the newest backup of each of the last N months" },
];

export type RetentionForm = Record<RetentionKey, string>;

export function retentionForm(policy: RetentionPolicy): RetentionForm {
  const text = (n: number | null) => (n === null ? "" : String(n));
  return {
    keep_last: text(policy.keep_last),
    keep_daily: text(policy.keep_daily),
    keep_weekly: text(policy.keep_weekly),
    keep_monthly: text(policy.keep_monthly),
  };
}

export type RetentionCheck =
  | { ok: true; policy: RetentionPolicy }
  | { ok: false; errors: Partial<Record<RetentionKey, string>>; message: string };

/**
 * The form as a policy: each field empty (not used) or a whole number from 0 to 100000; at least
 * one above 0, since a policy that keeps nothing would delete every backup (the backend refuses
 * it too).
 */
export function parseRetention(form: RetentionForm): RetentionCheck {
  const errors: Partial<Record<RetentionKey, string>> = {};
  const policy: RetentionPolicy = { keep_last: null, keep_daily: null, keep_weekly: null, keep_monthly: null };
  for (const { key } of RETENTION_FIELDS) {
    const text = form[key].trim();
    if (text === "") continue;
    if (!/^\d+$/.test(text) || Number(text) > 100_000) {
      errors[key] = "a whole number from 0 to 100000, or empty";
      continue;
    }
    policy[key] = Number(text);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, message: "Each number must be a whole number (or empty)." };
  if (RETENTION_FIELDS.every(({ key }) => (policy[key] ?? 0) === 0)) {
    return { ok: false, errors: {}, message: "Keep at least one backup: a policy that keeps nothing would delete every backup." };
  }
  return { ok: true, policy };
}

/** What a dry run would remove (the backups not kept), with why each goes. */
export function removals(decisions: readonly RetentionDecision[]): RetentionDecision[] {
  return decisions.filter((d) => !d.keep);
}

export function removalReason(decision: RetentionDecision): string {
  return decision.reasons.length > 0 ? decision.reasons.join("; ") : "not kept by any rule";
}

// --- Destinations --------------------------------------------------------------------------------

/** An absolute path on Linux/macOS (/…) or Windows (C:\…, \\server\…). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/** Why a destination list cannot be saved, or null. */
export function destinationsProblem(destinations: readonly Destination[]): string | null {
  if (destinations.length === 0) return "Add at least one destination folder.";
  const bad = destinations.find((d) => !isAbsolutePath(d.path.trim()));
  if (bad !== undefined) return `${bad.path.trim() === "" ? "An empty path" : bad.path} is not an absolute folder path.`;
  const seen = new Set<string>();
  for (const d of destinations) {
    const key = d.path.trim().replace(/[\\/]+$/, "");
    if (seen.has(key)) return `${d.path} is listed twice.`;
    seen.add(key);
  }
  if (!destinations.some((d) => d.enabled)) return "Enable at least one destination.";
  return null;
}

/** Adds a folder (trimmed, enabled) unless it is empty or already listed. */
export function addDestination(destinations: readonly Destination[], path: string): Destination[] {
  const folder = path.trim();
  if (folder === "" || destinations.some((d) => d.path.trim() === folder)) return [...destinations];
  return [...destinations, { path: folder, enabled: true }];
}

export function sameDestinations(a: readonly Destination[], b: readonly Destination[]): boolean {
  return a.length === b.length && a.every((d, i) => d.path === b[i]?.path && d.enabled === b[i]?.enabled);
}

// --- Automatic backups ---------------------------------------------------------------------------

/** The largest threshold the backend accepts. */
export const MAX_IMPORT_THRESHOLD = 1_000_000_000;

export type AutomaticSettings = Pick<BackupSettings, "large_import_backup" | "large_import_backup_threshold" | "backup_on_exit">;

export interface AutomaticForm {
  largeImport: boolean;
  /** The threshold as typed. */
  threshold: string;
  onExit: boolean;
}

export function automaticForm(settings: AutomaticSettings): AutomaticForm {
  return {
    largeImport: settings.large_import_backup,
    threshold: String(settings.large_import_backup_threshold),
    onExit: settings.backup_on_exit,
  };
}

export type AutomaticCheck = { ok: true; settings: AutomaticSettings } | { ok: false; message: string };

/**
 * The form as settings. The threshold is a whole number of commits from 0 to 1,000,000,000
 * (thousands separators allowed: "10,000", "10 000", "10_000"). While the backup before a large
 * import is off the threshold is not used: a bad one is not an error then, and `saved` is kept.
 */
export function parseAutomatic(form: AutomaticForm, saved: number): AutomaticCheck {
  const text = form.threshold.trim().replace(/[,_\s]/g, "");
  const valid = /^\d+$/.test(text) && Number(text) <= MAX_IMPORT_THRESHOLD;
  if (!valid && form.largeImport) {
    return {
      ok: false,
      message:
        form.threshold.trim() === ""
          ? "Enter a number of commits."
          : `The number of commits must be a whole number from 0 to ${MAX_IMPORT_THRESHOLD.toLocaleString("en-US")}.`,
    };
  }
  return {
    ok: true,
    settings: {
      large_import_backup: form.largeImport,
      large_import_backup_threshold: valid ? Number(text) : saved,
      backup_on_exit: form.onExit,
    },
  };
}

export function sameAutomatic(a: AutomaticSettings, b: AutomaticSettings): boolean {
  return (
    a.large_import_backup === b.large_import_backup &&
    a.large_import_backup_threshold === b.large_import_backup_threshold &&
    a.backup_on_exit === b.backup_on_exit
  );
}
