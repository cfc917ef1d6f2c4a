/**
 * The filter builder's model: rows of field / operator / value, each optionally negated, joined by
 * one `and` or `or`. It converts both ways with the backend's `Filter`:
 * - `builderToFilter` validates each row's value by its field's type (numbers, dates, hashes…) and
 *   builds the filter, or says what is wrong with which row;
 * - `filterToBuilder` reads a filter back into rows when it has that shape (a flat `and`/`or` of
 *   conditions and negated conditions) — the search box's filters always do — and null otherwise.
 */
import type { Condition } from "../../bindings/Condition";
import type { Filter } from "../../bindings/Filter";
import { fieldInfo, OPS, type FieldKind, type Op } from "./filterFields";

export type Combinator = "and" | "or";

export interface Row {
  /** Stable identity for React keys and focus while rows change. */
  id: number;
  field: string;
  op: Op;
  /** As typed: a list is comma-separated; a boolean is "true" or "false". */
  value: string;
  negate: boolean;
}

export interface Builder {
  combinator: Combinator;
  rows: Row[];
}

let lastId = 0;
const nextId = () => (lastId += 1);

export const EMPTY_BUILDER: Builder = { combinator: "and", rows: [] };

const DEFAULT_OP: Record<FieldKind, Op> = {
  text: "like",
  path: "glob",
  hash: "eq",
  int: "gte",
  date: "gte",
  bool: "eq",
  words: "match",
  lines: "contains",
  ref: "eq",
};

export function kindOf(field: string): FieldKind {
  return fieldInfo(field)?.kind ?? "text";
}

export function newRow(field = "author"): Row {
  const kind = kindOf(field);
  return { id: nextId(), field, op: DEFAULT_OP[kind], value: kind === "bool" ? "true" : "", negate: false };
}

/** The row with another field: the operator and value are kept when they still fit. */
export function changeField(row: Row, field: string): Row {
  const before = kindOf(row.field);
  const kind = kindOf(field);
  if (kind === before) return { ...row, field };
  const op = OPS[kind].includes(row.op) ? row.op : DEFAULT_OP[kind];
  return { ...row, field, op, value: kind === "bool" ? "true" : "" };
}

type Value = Condition["value"];
type Scalar = string | number | boolean;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A date as the backend reads one: YYYY-MM-DD, an RFC 3339 time, or Unix seconds (a number). */
function dateValue(text: string): Scalar | string[] {
  if (/^-?\d+$/.test(text)) return Number(text);
  const day = DAY.exec(text);
  if (day !== null) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(year, month - 1, date));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date) return text;
    return [`${text} is not a calendar date`];
  }
  if (RFC3339.test(text) && !Number.isNaN(Date.parse(text))) return text;
  return [`"${text}" is not a date: use YYYY-MM-DD, a time like 2024-01-31T12:00:00+01:00, or Unix seconds`];
}

/** One value of a field's kind, or a list holding the one problem. */
function scalar(kind: FieldKind, text: string): Scalar | string[] {
  switch (kind) {
    case "int":
      return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : [`"${text}" is not a whole number`];
    case "date":
      return dateValue(text);
    case "bool":
      return text === "true" ? true : text === "false" ? false : [`"${text}" is not yes or no`];
    case "hash":
      return /^[0-9a-fA-F]{4,64}$/.test(text) ? text : [`"${text}" is not a hash prefix (4 to 64 hex digits)`];
    case "words":
      return /[\p{L}\p{N}]/u.test(text) ? text : ["give at least one word"];
    case "lines":
      return /[\r\n]/.test(text)
        ? ["give text within one line"]
        : text.includes("\u0000")
          ? ["the value contains a NUL character"]
          : text;
    default:
      return text.includes("\u0000") ? ["the value contains a NUL character"] : text;
  }
}

/** A row's value for the filter, or the reason it is not valid. */
export function rowValue(row: Row): { value: Value } | { error: string } {
  const kind = kindOf(row.field);
  if (fieldInfo(row.field) === undefined) return { error: `unknown field "${row.field}"` };
  if (!OPS[kind].includes(row.op)) return { error: `"${row.op}" does not apply to ${row.field}` };
  if (row.op === "in" || row.op === "not_in") {
    const parts = row.value
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    if (parts.length === 0) return { error: "give at least one value" };
    const values: Scalar[] = [];
    for (const part of parts) {
      const value = scalar(kind, part);
      if (Array.isArray(value)) return { error: value[0] ?? "invalid value" };
      values.push(value);
    }
    return { value: values };
  }
  const text =
    kind === "text" || kind === "path" || kind === "words" || kind === "lines" ? row.value : row.value.trim();
  if (text.trim() === "") return { error: "give a value" };
  const value = scalar(kind, text);
  return Array.isArray(value) ? { error: value[0] ?? "invalid value" } : { value };
}

/** The filter the builder shows, with each invalid row's problem (by row id); null filter when empty. */
export function builderToFilter(builder: Builder): { filter: Filter | null; errors: Map<number, string> } {
  const errors = new Map<number, string>();
  const parts: Filter[] = [];
  for (const row of builder.rows) {
    const result = rowValue(row);
    if ("error" in result) {
      errors.set(row.id, result.error);
      continue;
    }
    const condition: Filter = { field: row.field, op: row.op, value: result.value };
    parts.push(row.negate ? { not: condition } : condition);
  }
  if (errors.size > 0 || parts.length === 0) return { filter: null, errors };
  return { filter: builder.combinator === "and" ? { and: parts } : { or: parts }, errors };
}

export function isCondition(filter: Filter): filter is Condition {
  return "field" in filter;
}

function valueText(value: Value): string {
  if (Array.isArray(value)) return value.map(String).join(", ");
  return String(value);
}

function toRow(filter: Filter): Row | null {
  let negate = false;
  let inner = filter;
  if ("not" in inner) {
    negate = true;
    inner = inner.not;
  }
  if (!isCondition(inner)) return null;
  const op = inner.op as Op;
  return { id: nextId(), field: inner.field, op, value: valueText(inner.value), negate };
}

/** The builder's rows for a filter, or null when the filter is nested deeper than one group. */
export function filterToBuilder(filter: Filter | null): Builder | null {
  if (filter === null) return { combinator: "and", rows: [] };
  let combinator: Combinator = "and";
  let parts: Filter[];
  if ("and" in filter) parts = filter.and;
  else if ("or" in filter) {
    combinator = "or";
    parts = filter.or;
    // An empty `or` matches nothing; the builder's empty state means everything.
    if (parts.length === 0) return null;
  } else parts = [filter];
  const rows: Row[] = [];
  for (const part of parts) {
    const row = toRow(part);
    if (row === null) return null;
    rows.push(row);
  }
  return { combinator, rows };
}

/** The builder without rows whose value is still blank (a row just added): they do not count yet. */
export function withoutBlankRows(builder: Builder): Builder {
  return { ...builder, rows: builder.rows.filter((row) => row.value.trim() !== "") };
}

/** Whether two filters say the same (null and an empty `and` both mean "everything"). */
export function sameFilter(a: Filter | null, b: Filter | null): boolean {
  const norm = (f: Filter | null) => (f === null || ("and" in f && f.and.length === 0) ? null : f);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
