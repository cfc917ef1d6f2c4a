/**
 * The text a `change:`, `added:` or `removed:` search looked for, found again in a commit's diff:
 * which lines hold it (added lines for `added:`, removed for `removed:`, either for `change:`),
 * where in the line, and which file the view jumps to first. The matching is the backend's
 * (src-tauri/crates/storage/src/query/compile.rs): the literal text, ASCII case ignored unless it
 * has capitals.
 */
import type { Filter } from "../../bindings/Filter";
import type { DiffLine } from "./diff";

export interface ChangeTerm {
  text: string;
  /** The side of the diff it was searched on. */
  side: "both" | "add" | "del";
}

const SIDES: Record<string, ChangeTerm["side"]> = { change: "both", added: "add", removed: "del" };

/** The changed-lines conditions a filter requires (negated ones are not looked for). */
export function changeTerms(filter: Filter | null): ChangeTerm[] {
  const terms: ChangeTerm[] = [];
  const walk = (f: Filter, negated: boolean) => {
    if ("and" in f) f.and.forEach((p) => walk(p, negated));
    else if ("or" in f) f.or.forEach((p) => walk(p, negated));
    else if ("not" in f) walk(f.not, !negated);
    else {
      const side = SIDES[f.field];
      if (!negated && side !== undefined && f.op === "contains" && typeof f.value === "string" && f.value !== "") {
        if (!terms.some((t) => t.text === f.value && t.side === side)) terms.push({ text: f.value, side });
      }
    }
  };
  if (filter !== null) walk(filter, false);
  return terms;
}

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** [start, end) ranges of the terms in a diff line's text (after its +/- sign), merged and sorted. */
export function matchRanges(line: DiffLine, terms: readonly ChangeTerm[]): Array<[number, number]> {
  if (line.kind !== "add" && line.kind !== "del") return [];
  const code = line.text.slice(1);
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    if (term.side !== "both" && term.side !== line.kind) continue;
    const exact = /\p{Lu}/u.test(term.text);
    const hay = exact ? code : asciiLower(code);
    const needle = exact ? term.text : asciiLower(term.text);
    let at = hay.indexOf(needle);
    while (at !== -1) {
      ranges.push([at + 1, at + 1 + needle.length]);
      at = hay.indexOf(needle, at + Math.max(needle.length, 1));
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** Index of the first line holding a term, or -1. */
export function firstMatch(lines: readonly DiffLine[], terms: readonly ChangeTerm[]): number {
  if (terms.length === 0) return -1;
  return lines.findIndex((line) => matchRanges(line, terms).length > 0);
}

/** What is known of each file: its diff not loaded yet, loaded with a match, or without one. */
export type FileMatch = "pending" | "match" | "none";

/**
 * The file the view jumps to: the first one holding a match once every file before it is known
 * not to; null while an earlier file is still loading, or when none matches.
 */
export function jumpTarget(files: readonly FileMatch[]): number | null {
  for (let i = 0; i < files.length; i++) {
    if (files[i] === "pending") return null;
    if (files[i] === "match") return i;
  }
  return null;
}
