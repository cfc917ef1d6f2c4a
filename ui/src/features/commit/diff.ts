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

/** Lines shown at first, and per "show more" click. */
export const DIFF_PAGE_LINES = 2000;
/** Diffs longer than this (bytes of diff text) are shown without syntax highlighting. */
export const HIGHLIGHT_MAX_BYTES = 256 * 1024;

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

/** Lines shown after one more page ("show more"), never past the end. */
export function showMore(shown: number, total: number, page = DIFF_PAGE_LINES): number {
  return Math.min(total, shown + page);
}

/** Lines shown when a file's diff arrives: one page, or all of a shorter diff. */
export function firstPage(total: number, page = DIFF_PAGE_LINES): number {
  return Math.min(total, page);
}

/** A row of the side-by-side view: a full-width line (hunk header, note, meta) or an old/new pair. */
export type SplitRow =
  | { kind: "full"; line: DiffLine }
  | { kind: "pair"; left: DiffLine | null; right: DiffLine | null };

/**
 * Unified lines as side-by-side rows: context lines on both sides; within a change block, the n-th
 * removed line beside the n-th added line (the longer side continues alone); headers span the width.
 */
export function splitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i += 1) {
      rows.push({ kind: "pair", left: dels[i] ?? null, right: adds[i] ?? null });
    }
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.kind === "del") {
      // A removal after additions starts a new block.
      if (adds.length > 0) flush();
      dels.push(line);
    } else if (line.kind === "add") {
      adds.push(line);
    } else {
      flush();
      rows.push(line.kind === "context" ? { kind: "pair", left: line, right: line } : { kind: "full", line });
    }
  }
  flush();
  return rows;
}

/** The +/- bar of a file: how many of `blocks` squares are added, removed and empty. */
export interface ChurnBar {
  added: number;
  removed: number;
  empty: number;
}

/**
 * A file's share of the largest change in the commit as `blocks` squares, split between added and
 * removed lines. A file with any change has at least one square; unknown counts give null.
 */
export function churnBar(
  additions: number | null,
  deletions: number | null,
  largest: number,
  blocks = 5,
): ChurnBar | null {
  if (additions === null || deletions === null) return null;
  const changed = additions + deletions;
  if (changed <= 0 || largest <= 0) return { added: 0, removed: 0, empty: blocks };
  const filled = Math.min(blocks, Math.max(1, Math.round((blocks * changed) / largest)));
  let added = Math.round((filled * additions) / changed);
  // Both kinds of change stay visible when there is room for both.
  if (additions > 0 && added === 0 && filled > 1) added = 1;
  if (deletions > 0 && added === filled && filled > 1) added = filled - 1;
  return { added, removed: filled - added, empty: blocks - filled };
}

/** The largest additions + deletions among the files (the full bar). */
export function largestChange(changes: readonly { additions: number | null; deletions: number | null }[]): number {
  return changes.reduce((max, c) => Math.max(max, (c.additions ?? 0) + (c.deletions ?? 0)), 0);
}

/** "12 KB", "5.2 MB": the size of a diff for display. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
