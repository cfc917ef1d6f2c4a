/**
 * The commit list's paging rules: which command a page comes from, how pages are appended (keyset
 * cursors, answers to an older question ignored) and when the next page is due.
 */
import type { Commit } from "./bindings/Commit";
import type { CommitPage } from "./bindings/CommitPage";
import type { CommitQuery } from "./bindings/CommitQuery";
import type { ErrorPayload } from "./bindings/ErrorPayload";
import type { Filter } from "./bindings/Filter";
import type { QueryOptions } from "./bindings/QueryOptions";
import type { SnippetPart } from "./bindings/SnippetPart";
import { DEFAULT_SORT, effectiveSort, sortOptions, type Sort } from "./historySort";

/** Rows per request. */
export const PAGE_SIZE = 200;
/** The next page is asked for when the last rendered row is this close to the end of the list. */
export const PREFETCH_ROWS = 100;

/**
 * What the list shows: the commits of one repository (by name) or of all, reachable from one
 * branch or tag (by short name) or from any, matching a filter (null: every commit). The search
 * box and the filter builder both produce the filter.
 */
export interface CommitSource {
  repository: string | null;
  branch: string | null;
  filter: Filter | null;
}

/** An `and` with nothing in it: no condition at all. */
function isEmpty(filter: Filter | null): boolean {
  return filter === null || ("and" in filter && filter.and.length === 0);
}

/**
 * The whole filter of a source: the repository and branch conditions and the filter, joined by
 * `and` (a lone condition as it is); undefined for no condition.
 */
export function sourceFilter(source: CommitSource): Filter | undefined {
  const parts: Filter[] = [];
  if (source.repository !== null) parts.push({ field: "repository", op: "eq", value: source.repository });
  if (source.branch !== null) parts.push({ field: "branch", op: "eq", value: source.branch });
  if (!isEmpty(source.filter) && source.filter !== null) parts.push(source.filter);
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/**
 * The query for the page after `cursor` (null: the first page), in the order `sort` (default:
 * newest first; a relevance sort without a full-text condition falls back to it).
 */
export function pageRequest(source: CommitSource, cursor: string | null, limit = PAGE_SIZE, sort: Sort = DEFAULT_SORT): CommitQuery {
  const order = sortOptions(effectiveSort(sort, source.filter));
  const options: QueryOptions = cursor === null ? { limit, ...order } : { limit, cursor, ...order };
  const filter = sourceFilter(source);
  return filter === undefined ? { options } : { filter, options };
}

/**
 * What `export_commits` needs to write exactly the list `source` shows: the same filter. The
 * exporter pages and orders by itself, so no paging options, and no search text (the filter
 * already holds what the search box said).
 */
export function exportRequest(source: CommitSource): { query: CommitQuery; search: string | null } {
  const filter = sourceFilter(source);
  return { query: filter === undefined ? { options: {} } : { filter, options: {} }, search: null };
}

export interface ListState {
  /** Generation of the question; answers to an older one are dropped. */
  key: number;
  rows: Commit[];
  /** For a full-text search: the message around the searched-for words, by commit id. */
  snippets: Readonly<Record<number, SnippetPart[]>>;
  /** How many commits match in all (null until the first page arrives). */
  total: number | null;
  /** `total` is a floor: the backend stops counting at its cap on large stores. */
  totalIsLowerBound: boolean;
  /** Cursor for the next page (null before the first page and after the last). */
  cursor: string | null;
  /** Every page has arrived. */
  complete: boolean;
  /** A request is under way (for the page after `cursor`). */
  loading: boolean;
  error: ErrorPayload | null;
}

export type ListAction =
  | { type: "reset"; key: number }
  | { type: "request"; key: number }
  | { type: "retry"; key: number }
  | { type: "loaded"; key: number; after: string | null; page: CommitPage }
  | { type: "failed"; key: number; error: ErrorPayload };

export function emptyList(key: number): ListState {
  return { key, rows: [], snippets: {}, total: null, totalIsLowerBound: false, cursor: null, complete: false, loading: false, error: null };
}

export function listReducer(state: ListState, action: ListAction): ListState {
  if (action.type === "reset") return emptyList(action.key);
  if (action.key !== state.key) return state; // an answer to an older question
  switch (action.type) {
    case "request":
      return { ...state, loading: true, error: null };
    case "retry":
      return { ...state, error: null };
    case "loaded": {
      // Only the page that follows what is shown is appended (a duplicate answer is dropped).
      if (action.after !== state.cursor || state.complete) return { ...state, loading: false };
      const cursor = action.page.next_cursor;
      const complete = cursor === null || action.page.commits.length === 0;
      return {
        ...state,
        rows: action.page.commits.length === 0 ? state.rows : state.rows.concat(action.page.commits),
        snippets: addSnippets(state.snippets, action.page),
        total: action.page.total,
        totalIsLowerBound: action.page.total_is_lower_bound,
        cursor: complete ? null : cursor,
        complete,
        loading: false,
        error: null,
      };
    }
    case "failed":
      return { ...state, loading: false, error: action.error };
  }
}

function addSnippets(known: ListState["snippets"], page: CommitPage): ListState["snippets"] {
  const snippets = page.snippets ?? [];
  if (snippets.length === 0) return known;
  const next: Record<number, SnippetPart[]> = { ...known };
  for (const snippet of snippets) if (snippet.parts.length > 0) next[snippet.commit_id] = snippet.parts;
  return next;
}

/**
 * Whether to ask for the next page now, given the index of the last row rendered (or -1): not
 * while a request runs, after an error (the user retries), or once every page is there.
 */
export function needsMore(state: ListState, lastRendered: number, prefetch = PREFETCH_ROWS): boolean {
  if (state.loading || state.complete || state.error !== null) return false;
  if (state.total === null) return true; // the first page
  return lastRendered >= state.rows.length - 1 - prefetch;
}

/**
 * The number of matching commits to show: exact when the backend counted them all or when every
 * page has arrived (then it is the number of rows), otherwise "at least".
 */
export function matchingTotal(state: ListState): { count: number; atLeast: boolean } | null {
  if (state.total === null) return null;
  if (!state.totalIsLowerBound) return { count: state.total, atLeast: false };
  if (state.complete) return { count: state.rows.length, atLeast: false };
  return { count: Math.max(state.total, state.rows.length), atLeast: true };
}

/** The first line of a commit message. */
export function summaryLine(message: string): string {
  const end = message.indexOf("\n");
  return (end === -1 ? message : message.slice(0, end)).trim();
}

/** "+12 −3", or a dash for unknown counts. */
export function formatChurn(additions: number | null, deletions: number | null): { added: string; removed: string } {
  return {
    added: additions === null ? "—" : `+${additions}`,
    removed: deletions === null ? "—" : `−${deletions}`,
  };
}
