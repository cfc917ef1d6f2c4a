/**
 * Export rules of the History page: the save dialog's file types, which format a chosen file name
 * means, a default file name, and how progress and the result read.
 */
import type { ExportFormat, ExportProgress } from "./api";
import { formatCount } from "./format";

export const EXPORT_FILTERS: { name: string; extensions: string[] }[] = [
  { name: "CSV", extensions: ["csv"] },
  { name: "JSON", extensions: ["json"] },
  { name: "NDJSON", extensions: ["ndjson"] },
];

/**
 * The file and format for a path from the save dialog: the extension (any case) picks the format;
 * a name without a known one gets `.csv` (the dialog does not say which file type was chosen).
 */
export function exportTarget(path: string): { path: string; format: ExportFormat } {
  const dot = path.lastIndexOf(".");
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const extension = dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : "";
  if (extension === "csv" || extension === "json" || extension === "ndjson") return { path, format: extension };
  return { path: `${path}.csv`, format: "csv" };
}

/** The name the save dialog suggests: the repository's name (or "commits"), as CSV. */
export function defaultExportName(repository: string | null): string {
  const base = (repository ?? "commits").replace(/[\\/:*?"<>|]+/g, "-").trim();
  return `${base === "" ? "commits" : base}.csv`;
}

/**
 * "120 / 450 commits". `lowerBound`: the backend stopped counting (large stores), so the total
 * reads "450+"; it does too once more were written than the total said.
 */
export function exportProgressText(progress: ExportProgress | null, lowerBound = false): string {
  if (progress === null) return "Starting export…";
  const atLeast = lowerBound || progress.written > progress.total;
  const total = Math.max(progress.written, progress.total);
  return `${formatCount(progress.written)} / ${formatCount(total)}${atLeast ? "+" : ""} commits`;
}

/** "Exported 1 commit to …" / "Exported 1,234 commits to …". */
export function exportResultText(count: number, path: string): string {
  return `Exported ${count === 1 ? "1 commit" : `${formatCount(count)} commits`} to ${path}`;
}
