/**
 * Rules of the Analyses page: which parameters each kind reads, the form's text fields turned into
 * `AnalysisParams` (dates, numbers, refs, path and author filters — checked before anything is
 * sent), aliases merged from the authors report's suggestions, progress and run labels, what the
 * filters left out, and the tables a result can export.
 */
import type { AliasSuggestion } from "../../bindings/AliasSuggestion";
import type { AnalysisKind } from "../../bindings/AnalysisKind";
import type { AnalysisParams } from "../../bindings/AnalysisParams";
import type { AnalysisResult } from "../../bindings/AnalysisResult";
import type { AnalysisProgress } from "../../shared/progress";
import type { AnalysisRun } from "../../bindings/AnalysisRun";
import type { Identity } from "../../bindings/Identity";
import type { LeftOut } from "../../bindings/LeftOut";
import { DEFAULT_EXCLUDES } from "../../bindings/analysisDefaults";
import { formatCount } from "../../shared/format";

export type ParamField = "since" | "until" | "refs" | "limit" | "maxFiles" | "minShared" | "rev" | "include" | "exclude" | "excludeAuthors";

export interface KindInfo {
  kind: AnalysisKind;
  label: string;
  /** One line under the tabs: what the analysis answers. */
  about: string;
  fields: readonly ParamField[];
}

/** The history kinds read these, path and author filters included. */
const HISTORY: readonly ParamField[] = ["since", "until", "refs", "include", "exclude", "excludeAuthors"];

export const KINDS: readonly KindInfo[] = [
  { kind: "authors", label: "Authors", about: "Commits, lines and active days per person (.mailmap and your aliases merged).", fields: HISTORY },
  { kind: "activity", label: "Activity", about: "Commits per day, week and month, and by hour and weekday in the author's time zone.", fields: HISTORY },
  { kind: "churn", label: "Churn", about: "Lines added and deleted per file and folder.", fields: [...HISTORY, "limit"] },
  { kind: "hotspots", label: "Hotspots", about: "Files that change often and are large (commits × current lines).", fields: [...HISTORY, "limit", "rev"] },
  { kind: "coupling", label: "Coupling", about: "Files that change together in the same commits.", fields: [...HISTORY, "limit", "maxFiles", "minShared"] },
  { kind: "ownership", label: "Ownership", about: "Who changed each folder's lines, and its bus factor.", fields: [...HISTORY, "limit"] },
  { kind: "techspec", label: "Tech spec", about: "Languages, manifests, dependencies and frameworks at a revision.", fields: ["rev"] },
  { kind: "structure", label: "Code structure", about: "Functions, types and methods per file and language at a revision.", fields: ["rev", "limit"] },
];

export function kindInfo(kind: AnalysisKind): KindInfo {
  return KINDS.find((k) => k.kind === kind) ?? KINDS[0]!;
}

/** The form as typed: every field is text (empty means "the default"), and whether the kind's default exclusions apply. */
export type ParamsForm = Record<ParamField, string> & { defaultExcludes: boolean };

export const EMPTY_FORM: ParamsForm = {
  since: "",
  until: "",
  refs: "",
  limit: "",
  maxFiles: "",
  minShared: "",
  rev: "",
  include: "",
  exclude: "",
  excludeAuthors: "",
  defaultExcludes: true,
};

/** Whether the form differs from the empty one (so Reset has something to do). */
export function formChanged(form: ParamsForm): boolean {
  return (Object.keys(EMPTY_FORM) as (keyof ParamsForm)[]).some((key) => form[key] !== EMPTY_FORM[key]);
}

/** Whether a kind takes path and author filters. */
export function takesFilters(kind: AnalysisKind): boolean {
  return kindInfo(kind).fields.includes("include");
}

export type Aliases = AnalysisParams["aliases"];

export type FormResult = { ok: true; params: AnalysisParams } | { ok: false; errors: Partial<Record<ParamField, string>> };

const DAY = 86_400;

/** `YYYY-MM-DD` as the Unix seconds of that day's start in UTC; undefined when not such a date. */
export function dateToUnix(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return ms / 1000;
}

/** Unix seconds as the `YYYY-MM-DD` (UTC) a date input shows. */
export function unixToDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

function wholeNumber(text: string, min: number): number | undefined | "bad" {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (!/^\d+$/.test(trimmed)) return "bad";
  const value = Number(trimmed);
  return value < min || value > 4_294_967_295 ? "bad" : value;
}

/** Branch or tag names separated by commas or spaces, each once, in the order typed. */
export function parseRefs(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((r) => r !== ""))];
}

/** Path globs or author patterns separated by commas or new lines (they may hold spaces), each once. */
export function parsePatterns(text: string): string[] {
  return [...new Set(text.split(/[,\n]+/).map((p) => p.trim()).filter((p) => p !== ""))];
}

/** The folder's glob for the include field: everything under it (the root: no narrowing). */
export function folderGlob(folder: string): string {
  return folder === "" ? "" : `${folder}/**`;
}

/**
 * A glob the backend would refuse, said before sending: an empty folder name (`a//b`), a `.` or
 * `..` part, or nothing but slashes. Undefined when every glob is fine.
 */
export function globProblem(globs: readonly string[]): string | undefined {
  for (const glob of globs) {
    const parts = glob.replace(/^\/+|\/+$/g, "").split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..")) {
      return `"${glob}" has an empty, "." or ".." part; write paths from the repository root.`;
    }
  }
  return undefined;
}

/**
 * The parameters a run of `kind` is sent: only the fields that kind reads (so a stored result is
 * reused when nothing that matters changed), `until` covering the whole day typed.
 */
export function formToParams(kind: AnalysisKind, form: ParamsForm, aliases: Aliases): FormResult {
  const fields = new Set(kindInfo(kind).fields);
  const errors: Partial<Record<ParamField, string>> = {};
  const params: AnalysisParams = {
    refs: [],
    since: null,
    until: null,
    aliases: {},
    limit: null,
    max_files_per_commit: null,
    min_shared: null,
    rev: null,
    include: [],
    exclude: [],
    exclude_authors: [],
    default_excludes: true,
  };
  if (fields.has("since") && form.since.trim() !== "") {
    const since = dateToUnix(form.since);
    if (since === undefined) errors.since = "Use a date such as 2024-01-31.";
    else params.since = since;
  }
  if (fields.has("until") && form.until.trim() !== "") {
    const until = dateToUnix(form.until);
    if (until === undefined) errors.until = "Use a date such as 2024-12-31.";
    else params.until = until + DAY;
  }
  if (params.since !== null && params.until !== null && params.since >= params.until) {
    errors.until = "The end date must not be before the start date.";
  }
  if (fields.has("refs")) params.refs = parseRefs(form.refs);
  if (HISTORY.every((f) => fields.has(f))) params.aliases = { ...aliases };
  const numbers: [ParamField, "limit" | "max_files_per_commit" | "min_shared", number, string][] = [
    ["limit", "limit", 0, "A whole number of rows (0 for all)."],
    ["maxFiles", "max_files_per_commit", 1, "A whole number of files, at least 1."],
    ["minShared", "min_shared", 1, "A whole number of commits, at least 1."],
  ];
  for (const [field, key, min, message] of numbers) {
    if (!fields.has(field)) continue;
    const value = wholeNumber(form[field], min);
    if (value === "bad") errors[field] = message;
    else if (value !== undefined) params[key] = value;
  }
  if (fields.has("include")) {
    params.include = parsePatterns(form.include);
    params.exclude = parsePatterns(form.exclude);
    params.exclude_authors = parsePatterns(form.excludeAuthors);
    params.default_excludes = form.defaultExcludes;
    for (const [field, globs] of [["include", params.include], ["exclude", params.exclude]] as const) {
      const problem = globProblem(globs);
      if (problem !== undefined) errors[field] = problem;
    }
  }
  if (fields.has("rev") && form.rev.trim() !== "") {
    const rev = form.rev.trim();
    if (/\s/.test(rev)) errors.rev = "A revision has no spaces (HEAD, main, v1.0 or a hash).";
    else params.rev = rev;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, params };
}

/** Patterns without the kind's defaults (a stored run keeps them written out). */
function givenPatterns(patterns: readonly string[], defaults: readonly string[], defaultsOn: boolean): string[] {
  return defaultsOn ? patterns.filter((p) => !defaults.includes(p)) : [...patterns];
}

/** A stored run's parameters back in the form (to run it again with changes). */
export function paramsToForm(kind: AnalysisKind, params: AnalysisParams): ParamsForm {
  const text = (n: number | null) => (n === null ? "" : String(n));
  const defaults = DEFAULT_EXCLUDES[kind];
  return {
    since: params.since === null ? "" : unixToDate(params.since),
    // `until` is exclusive: the form shows the last day it covers.
    until: params.until === null ? "" : unixToDate(params.until - DAY),
    refs: params.refs.join(", "),
    limit: text(params.limit),
    maxFiles: text(params.max_files_per_commit),
    minShared: text(params.min_shared),
    rev: params.rev ?? "",
    include: params.include.join(", "),
    exclude: givenPatterns(params.exclude, defaults.exclude, params.default_excludes).join(", "),
    excludeAuthors: givenPatterns(params.exclude_authors, defaults.exclude_authors, params.default_excludes).join(", "),
    defaultExcludes: params.default_excludes,
  };
}

/**
 * What a run covered, briefly: "main, since 2024-01-01, in src/**, limit 50" or "all history".
 * Exclusions the user added are counted; the kind's defaults are named only when switched off.
 */
export function paramsSummary(kind: AnalysisKind, params: AnalysisParams): string {
  const parts: string[] = [];
  if (params.refs.length > 0) parts.push(params.refs.join(", "));
  if (params.since !== null) parts.push(`since ${unixToDate(params.since)}`);
  if (params.until !== null) parts.push(`until ${unixToDate(params.until - DAY)}`);
  if (params.include.length > 0) parts.push(`in ${params.include.join(", ")}`);
  if (takesFilters(kind)) {
    const defaults = DEFAULT_EXCLUDES[kind];
    const given =
      givenPatterns(params.exclude, defaults.exclude, params.default_excludes).length +
      givenPatterns(params.exclude_authors, defaults.exclude_authors, params.default_excludes).length;
    if (given > 0) parts.push(`${given} ${given === 1 ? "exclusion" : "exclusions"}`);
    if (!params.default_excludes && defaults.exclude.length + defaults.exclude_authors.length > 0) parts.push("no default exclusions");
  }
  if (params.rev !== null) parts.push(`at ${params.rev}`);
  if (params.limit !== null) parts.push(`limit ${params.limit === 0 ? "none" : params.limit}`);
  if (params.max_files_per_commit !== null) parts.push(`≤ ${params.max_files_per_commit} files/commit`);
  if (params.min_shared !== null) parts.push(`≥ ${params.min_shared} shared`);
  const aliasCount = Object.keys(params.aliases).length;
  if (aliasCount > 0) parts.push(`${aliasCount} ${aliasCount === 1 ? "alias" : "aliases"}`);
  return parts.length === 0 ? "all history" : parts.join(", ");
}

/** What the filters left out of a result (history kinds), or null. */
export function resultLeftOut(result: AnalysisResult): LeftOut | null {
  return result.kind === "techspec" || result.kind === "structure" ? null : result.data.left_out;
}

/** What the filters left out, as a sentence ("2 authors (dependabot[bot], renovate[bot]) with 412 commits; 12 files (3,400 lines)"), or null for nothing. */
export function leftOutText(leftOut: LeftOut): string | null {
  const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;
  const parts: string[] = [];
  if (leftOut.authors.length > 0) {
    const names = leftOut.authors.slice(0, 3).map((a) => a.name);
    const more = leftOut.authors.length > names.length ? ", …" : "";
    parts.push(`${plural(leftOut.authors.length, "author", "authors")} (${names.join(", ")}${more}) with ${plural(leftOut.author_commits, "commit", "commits")}`);
  }
  if (leftOut.files > 0) {
    parts.push(`${plural(leftOut.files, "file", "files")}${leftOut.lines > 0 ? ` (${plural(leftOut.lines, "line", "lines")})` : ""}`);
  }
  if (leftOut.commits > 0) parts.push(`${plural(leftOut.commits, "commit", "commits")} with no change kept`);
  return parts.length === 0 ? null : parts.join("; ");
}

/**
 * Merges a suggestion's identities into one person: the first identity (the one the report shows
 * with most weight) stays; every other e-mail becomes its alias. Keys are lower-case e-mails.
 */
export function mergeAlias(aliases: Aliases, suggestion: AliasSuggestion): Aliases {
  const [canonical, ...others] = suggestion.identities;
  if (canonical === undefined) return aliases;
  const target: Identity = { name: canonical.name, email: canonical.email };
  const next: Aliases = { ...aliases };
  for (const identity of others) {
    const key = identity.email.toLowerCase();
    if (key === canonical.email.toLowerCase()) continue;
    next[key] = target;
  }
  // Earlier aliases that pointed at a merged identity follow it.
  for (const [key, value] of Object.entries(next)) {
    if (value !== undefined && others.some((o) => o.email.toLowerCase() === value.email.toLowerCase()) && key !== canonical.email.toLowerCase()) {
      next[key] = target;
    }
  }
  return next;
}

export function removeAlias(aliases: Aliases, email: string): Aliases {
  const next: Aliases = { ...aliases };
  delete next[email.toLowerCase()];
  return next;
}

/** Whether every identity of a suggestion is already merged by `aliases`. */
export function isMerged(aliases: Aliases, suggestion: AliasSuggestion): boolean {
  const [canonical, ...others] = suggestion.identities;
  if (canonical === undefined) return true;
  return others.every(
    (o) => o.email.toLowerCase() === canonical.email.toLowerCase() || aliases[o.email.toLowerCase()] !== undefined,
  );
}

/**
 * A phase name from the backend as a label: a kind's name is its computation ("authors" →
 * "Computing authors"); others read as words ("reading files" → "Reading files").
 */
export function phaseLabel(phase: string): string {
  const kind = KINDS.find((k) => k.kind === phase);
  if (kind !== undefined) return `Computing ${kind.label.toLowerCase()}`;
  const words = phase.replace(/[_-]+/g, " ").trim();
  return words === "" ? "Working" : words[0]!.toUpperCase() + words.slice(1);
}

/** 0–1, or null when the phase does not know its total. */
export function progressFraction(progress: AnalysisProgress | null): number | null {
  if (progress === null || progress.total <= 0) return null;
  return Math.min(1, Math.max(0, progress.done / progress.total));
}

export function progressText(progress: AnalysisProgress | null): string {
  if (progress === null) return "Starting…";
  if (progress.total <= 0) return progress.done > 0 ? formatCount(progress.done) : "";
  return `${formatCount(Math.min(progress.done, progress.total))} / ${formatCount(progress.total)}`;
}

export function durationText(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export const STATUS_LABELS: Record<AnalysisRun["status"], string> = {
  queued: "Queued",
  running: "Running",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The lists of a result that export as rows (fields of its `data`), with labels. */
export const EXPORT_TABLES: Record<AnalysisKind, readonly { table: string; label: string }[]> = {
  authors: [{ table: "authors", label: "Authors" }, { table: "likely_aliases", label: "Likely aliases" }],
  activity: [
    { table: "days", label: "Days" },
    { table: "weeks", label: "Weeks" },
    { table: "months", label: "Months" },
    { table: "heatmap", label: "Heatmap" },
  ],
  churn: [{ table: "files", label: "Files" }, { table: "folders", label: "Folders" }],
  hotspots: [{ table: "hotspots", label: "Hotspots" }],
  coupling: [{ table: "pairs", label: "Pairs" }],
  ownership: [{ table: "folders", label: "Folders" }],
  techspec: [
    { table: "languages", label: "Languages" },
    { table: "dependencies", label: "Dependencies" },
    { table: "frameworks", label: "Frameworks" },
    { table: "failures", label: "Parse failures" },
  ],
  structure: [
    { table: "languages", label: "Languages" },
    { table: "files", label: "Files" },
    { table: "largest_functions", label: "Largest functions" },
    { table: "most_nested_functions", label: "Most nested functions" },
    { table: "failures", label: "Parse failures" },
  ],
};

/** The save dialog's suggested name: "repo-authors.csv", "repo-churn-files.csv", "repo-coupling.json". */
export function analysisExportName(repository: string, kind: AnalysisKind, table: string | null): string {
  const base = repository.replace(/[\\/:*?"<>|\s]+/g, "-").replace(/^-+|-+$/g, "") || "analysis";
  const suffix = table === null ? "" : table === kind ? "" : `-${table.replace(/_/g, "-")}`;
  return `${base}-${kind}${suffix}.${table === null ? "json" : "csv"}`;
}
