/**
 * The fields of the filter model, generated from the backend's one field table
 * (`bindings/filterFields.ts`, written from src-tauri/crates/storage/src/query/compile.rs), and the
 * operators the builder offers for each kind, in the order it offers them (the first is the
 * default). The backend accepts more (see each field's `ops`) and still checks every filter.
 */
import type { FieldKind } from "../../bindings/FieldKind";
import { FILTER_FIELDS } from "../../bindings/filterFields";

export type { FieldKind };

export type Op =
  | "eq"
  | "ne"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "in"
  | "not_in"
  | "like"
  | "glob"
  | "match"
  | "phrase"
  | "prefix"
  | "contains";

export interface FieldInfo {
  id: string;
  label: string;
  kind: FieldKind;
}

export const FIELDS: readonly FieldInfo[] = FILTER_FIELDS.map(({ id, label, kind }) => ({ id, label, kind }));

const ORDERED: readonly Op[] = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"];

export const OPS: Record<FieldKind, readonly Op[]> = {
  text: ["like", "eq", "ne", "in", "not_in"],
  path: ["glob", "like", "eq", "ne", "in", "not_in"],
  hash: ["eq", "ne", "in", "not_in"],
  int: ORDERED,
  date: ["gte", "lt", "gt", "lte", "eq", "ne"],
  bool: ["eq", "ne"],
  words: ["match", "phrase", "prefix"],
  lines: ["contains"],
  ref: ["eq", "ne", "in", "not_in"],
};

export function fieldInfo(field: string): FieldInfo | undefined {
  return FIELDS.find((f) => f.id === field);
}

/** How an operator reads for a kind of field ("since" for a date, "≥" for a number). */
export function opLabel(kind: FieldKind, op: Op): string {
  if (kind === "date") {
    const dates: Partial<Record<Op, string>> = { gte: "since", lt: "before", gt: "after", lte: "until", eq: "at", ne: "not at" };
    return dates[op] ?? op;
  }
  const labels: Record<Op, string> = {
    eq: kind === "hash" ? "starts with" : "is",
    ne: kind === "hash" ? "does not start with" : "is not",
    gt: ">",
    gte: "≥",
    lt: "<",
    lte: "≤",
    in: "is one of",
    not_in: "is none of",
    like: "like (% = anything)",
    glob: "glob (* ? [ ])",
    match: "has the words (any form)",
    phrase: "has the exact words",
    prefix: "has words starting with",
    contains: "has a line containing",
  };
  return labels[op];
}

/** A hint for the value box of a field and operator. */
export function valuePlaceholder(kind: FieldKind, op: Op): string {
  if (op === "in" || op === "not_in") return "values, separated by commas";
  switch (kind) {
    case "text":
      return op === "like" ? "%alice%" : "exact text";
    case "path":
      return op === "glob" ? "src/*.rs" : op === "like" ? "src/%" : "src/main.rs";
    case "hash":
      return "4 to 64 hex digits";
    case "int":
      return "a whole number";
    case "date":
      return "YYYY-MM-DD";
    case "words":
      return op === "prefix" ? "cach (finds caching, cached)" : "words or a phrase";
    case "lines":
      return "text in a line (any case unless it has capitals)";
    case "ref":
      return "main, v1.0";
    case "bool":
      return "";
  }
}
