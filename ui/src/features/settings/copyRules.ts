import type { CopyProgress } from "../../shared/progress";
import type { CopyReport } from "../../bindings/CopyReport";
import { redactUrl } from "./settingsRules";

/** The confirmation: what is copied where, and what happens if it does not verify. */
export function copyMessage(current: string | null, next: string | null): string {
  const from = current ?? "the current database";
  const to = next === null ? "the embedded SQLite file in the data folder" : redactUrl(next);
  return `RepoVault will close ${from}, copy every repository, commit and setting into ${to} (which must be empty), check the copy row by row, and switch to it only if the check agrees. Your current database is not changed.`;
}

/** One line of progress: the step and how far along the tables it is. */
export function copyProgressText(p: CopyProgress): string {
  const step =
    p.phase.step === "table"
      ? `Copying ${p.phase.table}`
      : p.phase.step === "search_index"
        ? "Rebuilding the full-text index"
        : p.phase.step === "blobs"
          ? "Carrying large diffs"
          : "Verifying";
  return p.total > 0 ? `${step} (${p.done} of ${p.total} tables)` : step;
}

/** The verification in one sentence. */
export function verificationText(r: CopyReport): string {
  const rows = r.tables.reduce((sum, t) => sum + t.target_rows, 0);
  if (r.verified) {
    return `Verified: ${r.tables.length} tables and ${rows.toLocaleString("en-US")} rows agree, row counts and canonical hashes (${r.seconds.toFixed(1)} s).`;
  }
  const bad = r.tables.filter((t) => t.source_rows !== t.target_rows).map((t) => t.table);
  const differing = r.differences.map((d) => d.table);
  return `Not verified: ${[...new Set([...bad, ...differing])].join(", ")} differ. The app stayed on its database.`;
}
