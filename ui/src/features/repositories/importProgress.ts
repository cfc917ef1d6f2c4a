/** How an import's progress and outcome read on screen. */
import type { ImportPhase } from "../../bindings/ImportPhase";
import type { ImportProgress } from "../../shared/progress";
import type { ImportReport } from "../../bindings/ImportReport";
import { formatCount } from "../../shared/format";

export const PHASE_LABELS: Record<ImportPhase, string> = {
  fetching: "Fetching from the server",
  scanning: "Reading history",
  backing_up: "Backing up first",
  importing: "Importing commits",
  finishing: "Finishing",
  indexing: "Indexing changed lines",
  done: "Done",
};

/** 0..1 when the amount of work is known, null while it is not (an indeterminate bar). */
export function progressFraction(progress: ImportProgress | null): number | null {
  if (progress === null) return null;
  if (progress.phase === "done" || progress.phase === "finishing") return 1;
  // The automatic backup before a large import reports no amount of work of its own.
  if (progress.phase === "backing_up" || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

/** "150 / 300 commits", "300 commits to import" while backing up first, or "" before the total is known. */
export function progressCount(progress: ImportProgress | null, locale?: string): string {
  if (progress === null || progress.total <= 0) return "";
  const options = locale === undefined ? {} : { locale };
  if (progress.phase === "backing_up") return `${formatCount(progress.total, options)} commits to import`;
  if (progress.phase === "fetching")
    return `${formatCount(progress.done, options)} / ${formatCount(progress.total, options)} objects`;
  return `${formatCount(progress.done, options)} / ${formatCount(progress.total, options)} commits`;
}

/** "1,234 commits/s", or "" when there is no rate yet. */
export function progressRate(progress: ImportProgress | null, locale?: string): string {
  const rate = progress?.per_second ?? 0;
  if (!(rate > 0)) return "";
  const options = locale === undefined ? {} : { locale };
  return `${formatCount(rate, options)} commits/s`;
}

/** One sentence on how an import ended. */
export function describeReport(report: ImportReport, locale?: string): string {
  const options = locale === undefined ? {} : { locale };
  const name = report.repository.name;
  if (report.up_to_date) return `${name} is up to date; nothing new to import.`;
  const seconds = report.seconds < 10 ? report.seconds.toFixed(1) : Math.round(report.seconds).toString();
  const commits = report.new_commits === 1 ? "1 new commit" : `${formatCount(report.new_commits, options)} new commits`;
  const shallow = report.is_shallow ? " It is a shallow clone: older history is missing." : "";
  return `${name}: imported ${commits} in ${seconds} s.${shallow}`;
}
