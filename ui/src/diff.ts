/**
 * Unified diff text for display: lines classified (hunk header, added, removed, context, ...) with
 * their old and new line numbers, read only as far as is shown, and the paging rules that keep a
 * large commit from freezing the window.
 */

export type DiffLineKind = "hunk" | "add" | "del" | "context" | "meta" | "note";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line number in the old file (removed and context lines). */
  oldNo: number | null;
  /** Line number in the new file (added and context lines). */
  newNo: number | null;
}

/** Lines shown per "show more" click. */
export const DIFF_PAGE_LINES = 2000;
/** Lines shown at first across all the files of a commit. */
export const DIFF_INITIAL_BUDGET = 4000;

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Number of lines in a text (a final newline does not start another line). */
export function countLines(text: string): number {
  if (text === "") return 0;
  let count = 0;
  let at = text.indexOf("\n");
  while (at !== -1) {
    count += 1;
    at = text.indexOf("\n", at + 1);
  }
  return text.endsWith("\n") ? count : count + 1;
}

/** The first `limit` lines of a unified diff, classified and numbered. Reads no further. */
export function parseDiff(text: string, limit = Number.POSITIVE_INFINITY): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  let start = 0;
  while (lines.length < limit && start < text.length) {
    const end = text.indexOf("\n", start);
    let line = end === -1 ? text.slice(start) : text.slice(start, end);
    start = end === -1 ? text.length : end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);

    const hunk = HUNK.exec(line);
    if (hunk !== null) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      lines.push({ kind: "hunk", text: line, oldNo: null, newNo: null });
      continue;
    }
    if (!inHunk || line.startsWith("diff ")) {
      inHunk = false;
      lines.push({ kind: "meta", text: line, oldNo: null, newNo: null });
      continue;
    }
    const first = line.charAt(0);
    if (first === "+") {
      lines.push({ kind: "add", text: line, oldNo: null, newNo: newNo++ });
    } else if (first === "-") {
      lines.push({ kind: "del", text: line, oldNo: oldNo++, newNo: null });
    } else if (first === " " || line === "") {
      lines.push({ kind: "context", text: line, oldNo: oldNo++, newNo: newNo++ });
    } else if (first === "\\") {
      lines.push({ kind: "note", text: line, oldNo: null, newNo: null });
    } else {
      lines.push({ kind: "meta", text: line, oldNo: null, newNo: null });
    }
  }
  return lines;
}

/**
 * How many lines of each file to show at first: files in order, each up to one page, while the
 * commit's budget lasts. A file given 0 shows a button instead of its diff.
 */
export function initialAllocation(
  lineCounts: readonly number[],
  budget = DIFF_INITIAL_BUDGET,
  page = DIFF_PAGE_LINES,
): number[] {
  let left = budget;
  return lineCounts.map((count) => {
    const shown = Math.max(0, Math.min(count, page, left));
    left -= shown;
    return shown;
  });
}

/** Lines shown after one more page ("show more"), never past the end. */
export function showMore(shown: number, total: number, page = DIFF_PAGE_LINES): number {
  return Math.min(total, shown + page);
}
