/**
 * Export rules of the History page: a default file name, and how progress and the result read.
 * The file types and the format a chosen name means are shared with Analyses (`shared/exportFile`).
 */
import type { ExportProgress } from "../../shared/api";
import { formatCount } from "../../shared/format";

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
  const atLeast = lowerBound || progress.done > progress.total;
  const total = Math.max(progress.done, progress.total);
  return `${formatCount(progress.done)} / ${formatCount(total)}${atLeast ? "+" : ""} commits`;
}

/** "Exported 1 commit to …" / "Exported 1,234 commits to …". */
export function exportResultText(count: number, path: string): string {
  return `Exported ${count === 1 ? "1 commit" : `${formatCount(count)} commits`} to ${path}`;
}
