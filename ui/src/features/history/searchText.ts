/**
 * The search-box text of a filter, so editing the builder shows the same filter in the search box.
 * The backend parses the syntax (src-tauri/crates/storage/src/query/syntax.rs); this only writes
 * it, and only what parsing gives back unchanged:
 *
 *   author:X committer:X message:X  ←  {field, op: "like", value: "%X%"}
 *   path:GLOB (with * ? [)           ←  {field: "path", op: "glob", value}
 *   path:PREFIX (without * ? [)      ←  {field: "path", op: "like", value: "PREFIX%"}
 *   repo:X  hash:X  branch:X         ←  repository / hash / branch, op "eq"
 *   after:D  before:D                ←  date "gte" / "lt" with a date string
 *   merge:yes  merge:no              ←  merge "eq" true / false
 *   word                             ←  {field: "text", op: "match"} (one word: its forms)
 *   word*                            ←  {field: "text", op: "prefix"}
 *   "a phrase"                       ←  {field: "text", op: "phrase"}
 *   change:X  added:X  removed:X     ←  that field, op "contains"
 *   -key:value  -word  -"a phrase"   ←  {not: …}
 *
 * joined by spaces, which means `and`. Anything else (an `or` of two or more, nested groups,
 * numbers, other fields or operators, a value with a double quote) has no text
 * form, and the answer says why.
 */
import type { Condition } from "../../bindings/Condition";
import type { Filter } from "../../bindings/Filter";

/** The text, or what in the filter has no text form, as a noun phrase ("conditions joined by “or”"). */
export type SearchText = { ok: true; text: string } | { ok: false; reason: string };

const SPACE = /\s/u;

function describe(c: Condition): string {
  return `${c.field} ${c.op} ${JSON.stringify(c.value)}`;
}

/** `key:value`, quoting a value with spaces; null when the value cannot be written. */
function keyed(key: string, value: string): string | null {
  if (value === "" || value.includes('"')) return null;
  return SPACE.test(value) ? `${key}:"${value}"` : `${key}:${value}`;
}

/** A bare token reads back as a word: not `key:value`, a negation, or a prefix (`word*`). */
function bare(text: string): boolean {
  return text !== "" && !SPACE.test(text) && !text.includes(":") && !text.startsWith("-") && !text.includes('"');
}

/** An exact phrase as a quoted token; null when it cannot be written (a double quote inside). */
function phrase(text: string): string | null {
  if (text === "" || text.includes('"')) return null;
  return `"${text}"`;
}

function wrapped(value: string, prefix: string, suffix: string): string | null {
  if (value.length < prefix.length + suffix.length + 1) return null;
  if (!value.startsWith(prefix) || !value.endsWith(suffix)) return null;
  return value.slice(prefix.length, value.length - suffix.length);
}

/** One condition as a token (without the negation), or why it has none. */
function token(c: Condition): { ok: true; text: string } | { ok: false; reason: string } {
  const cannot = { ok: false as const, reason: `the condition ${describe(c)}` };
  const value = c.value;
  let text: string | null = null;
  if (typeof value === "string") {
    switch (`${c.field} ${c.op}`) {
      case "author like":
      case "committer like":
      case "message like": {
        const inner = wrapped(value, "%", "%");
        text = inner === null ? null : keyed(c.field, inner);
        break;
      }
      case "path glob":
        text = /[*?[]/.test(value) ? keyed("path", value) : null;
        break;
      case "path like": {
        const prefix = wrapped(value, "", "%");
        text = prefix === null || /[*?[]/.test(prefix) ? null : keyed("path", prefix);
        break;
      }
      case "repository eq":
        text = keyed("repo", value);
        break;
      case "hash eq":
        text = keyed("hash", value);
        break;
      case "branch eq":
        text = keyed("branch", value);
        break;
      case "date gte":
        text = keyed("after", value);
        break;
      case "date lt":
        text = keyed("before", value);
        break;
      case "text match":
        text = bare(value) && !value.endsWith("*") ? value : null;
        break;
      case "text phrase":
        text = phrase(value);
        break;
      case "text prefix":
        text = bare(value) && !value.endsWith("*") ? `${value}*` : null;
        break;
      case "change contains":
      case "added contains":
      case "removed contains":
        text = keyed(c.field, value);
        break;
    }
  } else if (typeof value === "boolean" && c.field === "merge" && c.op === "eq") {
    text = value ? "merge:yes" : "merge:no";
  }
  return text === null ? cannot : { ok: true, text };
}

/** The search-box text for `filter` (null or an empty `and`: ""), or the reason there is none. */
export function filterToSearchText(filter: Filter | null): SearchText {
  if (filter === null) return { ok: true, text: "" };
  let parts: Filter[];
  if ("and" in filter) parts = filter.and;
  else if ("or" in filter) {
    if (filter.or.length !== 1) {
      return {
        ok: false,
        reason:
          filter.or.length === 0
            ? "an empty “or”, which matches nothing"
            : "conditions joined by “or” (it joins them by “and”)",
      };
    }
    parts = filter.or;
  } else parts = [filter];
  const tokens: string[] = [];
  for (const part of parts) {
    let negated = false;
    let inner = part;
    if ("not" in inner) {
      negated = true;
      inner = inner.not;
    }
    if (!("field" in inner)) {
      return { ok: false, reason: "nested groups" };
    }
    const result = token(inner);
    if (!result.ok) return result;
    tokens.push(negated ? `-${result.text}` : result.text);
  }
  return { ok: true, text: tokens.join(" ") };
}
