/**
 * The fields of the filter model and the operators each takes, as the backend's query compiler
 * accepts them (src-tauri/crates/storage/src/query/compile.rs): the builder offers only valid
 * combinations, and the backend still checks every filter it receives.
 */

export type FieldKind = "text" | "path" | "hash" | "int" | "date" | "bool" | "words" | "ref";

export type Op = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "not_in" | "like" | "glob" | "match";

export interface FieldInfo {
  id: string;
  label: string;
  kind: FieldKind;
}

export const FIELDS: readonly FieldInfo[] = [
  { id: "text", label: "Words (full text)", kind: "words" },
  { id: "author", label: "Author", kind: "text" },
  { id: "committer", label: "Committer", kind: "text" },
  { id: "message", label: "Message", kind: "text" },
  { id: "path", label: "Path", kind: "path" },
  { id: "date", label: "Date", kind: "date" },
  { id: "author_date", label: "Author date", kind: "date" },
  { id: "hash", label: "Hash", kind: "hash" },
  { id: "additions", label: "Additions", kind: "int" },
  { id: "deletions", label: "Deletions", kind: "int" },
  { id: "files_changed", label: "Files changed", kind: "int" },
  { id: "merge", label: "Merge commit", kind: "bool" },
  { id: "branch", label: "Branch or tag", kind: "ref" },
  { id: "repository", label: "Repository", kind: "text" },
  { id: "workspace", label: "Workspace", kind: "text" },
];

const ORDERED: readonly Op[] = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"];

export const OPS: Record<FieldKind, readonly Op[]> = {
  text: ["like", "eq", "ne", "in", "not_in"],
  path: ["glob", "like", "eq", "ne", "in", "not_in"],
  hash: ["eq", "ne", "in", "not_in"],
  int: ORDERED,
  date: ["gte", "lt", "gt", "lte", "eq", "ne"],
  bool: ["eq", "ne"],
  words: ["match"],
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
    match: "contains the words",
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
      return "words or a phrase";
    case "ref":
      return "main, v1.0";
    case "bool":
      return "";
  }
}
