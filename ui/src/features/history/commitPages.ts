/**
 * The commit list's paging rules. The list is as long as the number of matching commits (once it
 * is known exactly), so the scrollbar covers all of them; rows come in pages of `PAGE_SIZE` by
 * position. A page right after a loaded one follows its keyset cursor (cheap at any depth); a page
 * reached by a jump is asked for by offset, counted from the nearer end of the list (the second
 * half in reverse order), so the last page costs what the first does. Answers to an older
 * question are dropped.
 */
import type { Commit } from "../../bindings/Commit";
import type { CommitPage } from "../../bindings/CommitPage";
import type { CommitQuery } from "../../bindings/CommitQuery";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { Filter } from "../../bindings/Filter";
import type { QueryOptions } from "../../bindings/QueryOptions";
import type { SnippetPart } from "../../bindings/SnippetPart";
import { DEFAULT_SORT, effectiveSort, sortOptions, type Sort } from "./historySort";

/** Rows per request. */
export const PAGE_SIZE = 200;
/** Requests under way at once before a page ahead of the view is asked for (pages in view always are). */
export const MAX_IN_FLIGHT = 2;
/** A page is asked for when the rows in view come this close to it in the scroll direction. */
export const PREFETCH_ROWS = 100;
/** The most a fast scroll fetches ahead. */
export const MAX_PREFETCH_ROWS = 2_000;
/** Pages kept in memory (60,000 rows); the ones farthest from a new page are dropped first. */
export const MAX_CACHED_PAGES = 300;

/**
 * What the list shows: the commits of one repository (by name) or of all, reachable from one
 * branch or tag (by short name) or from any, matching a filter (null: every commit). The search
 * box and the filter builder both produce the filter.
 */
export interface CommitSource {
  /** The workspace chosen in the header (undefined or null: every workspace). */
  workspace?: string | null;
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
  if (source.workspace != null) parts.push({ field: "workspace", op: "eq", value: source.workspace });
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
  /** Loaded pages by page number (rows `page * PAGE_SIZE` onwards). */
  pages: Readonly<Record<number, readonly Commit[]>>;
  /** The keyset cursor after a page's last row: the cheap way to the page after it. */
  cursors: Readonly<Record<number, string>>;
  /** Pages asked for and not answered yet. */
  pending: Readonly<Record<number, true>>;
  /** For a full-text search: the message around the searched-for words, by commit id. */
  snippets: Readonly<Record<number, SnippetPart[]>>;
  /** The first page's count (null until it arrives); a floor when `totalIsLowerBound`. */
  total: number | null;
  /** `total` is a floor: the backend stops counting at its cap on large stores. */
  totalIsLowerBound: boolean;
  /** The exact number of matching commits, once known (then the list has that many rows). */
  exact: number | null;
  /** An exact count was asked for (and is not to be asked again for this question). */
  countAsked: boolean;
  /** The last page request failed (the user retries). */
  error: ErrorPayload | null;
}

export type ListAction =
  | { type: "reset"; key: number }
  | { type: "request"; key: number; page: number }
  | { type: "retry"; key: number }
  | { type: "loaded"; key: number; page: number; reversed: boolean; result: CommitPage }
  | { type: "failed"; key: number; page: number; error: ErrorPayload }
  | { type: "count"; key: number }
  | { type: "counted"; key: number; exact: number | null };

export function emptyList(key: number): ListState {
  return {
    key,
    pages: {},
    cursors: {},
    pending: {},
    snippets: {},
    total: null,
    totalIsLowerBound: false,
    exact: null,
    countAsked: false,
    error: null,
  };
}

function without<T>(record: Readonly<Record<number, T>>, key: number): Record<number, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

/** Keeps at most `MAX_CACHED_PAGES` pages: the ones nearest `near` stay. */
function evict(pages: Record<number, readonly Commit[]>, near: number): Record<number, readonly Commit[]> {
  const numbers = Object.keys(pages).map(Number);
  if (numbers.length <= MAX_CACHED_PAGES) return pages;
  numbers.sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
  const kept = { ...pages };
  for (const page of numbers.slice(0, numbers.length - MAX_CACHED_PAGES)) delete kept[page];
  return kept;
}

export function listReducer(state: ListState, action: ListAction): ListState {
  if (action.type === "reset") return emptyList(action.key);
  if (action.key !== state.key) return state; // an answer to an older question
  switch (action.type) {
    case "request":
      return { ...state, pending: { ...state.pending, [action.page]: true }, error: null };
    case "retry":
      return { ...state, error: null };
    case "count":
      return { ...state, countAsked: true };
    case "counted":
      // The end of the list may have been seen meanwhile; that is exact too.
      return action.exact === null || state.exact !== null ? state : { ...state, exact: action.exact };
    case "failed":
      return { ...state, pending: without(state.pending, action.page), error: action.error };
    case "loaded": {
      const { page, reversed, result } = action;
      const rows = reversed ? [...result.commits].reverse() : result.commits;
      const pending = without(state.pending, page);
      let { total, totalIsLowerBound, exact, cursors } = state;
      if (page === 0 && !reversed) {
        total = result.total;
        totalIsLowerBound = result.total_is_lower_bound;
        if (!totalIsLowerBound) exact = result.total;
      }
      if (!reversed) {
        if (result.next_cursor !== null && rows.length > 0) cursors = { ...cursors, [page]: result.next_cursor };
        // The last page in forward order (or an empty one): the list ends here.
        else if (exact === null) exact = page * PAGE_SIZE + rows.length;
      }
      return {
        ...state,
        pages: rows.length === 0 ? state.pages : evict({ ...state.pages, [page]: rows }, page),
        cursors,
        pending,
        snippets: addSnippets(state.snippets, result),
        total,
        totalIsLowerBound,
        exact,
        error: null,
      };
    }
  }
}

function addSnippets(known: ListState["snippets"], page: CommitPage): ListState["snippets"] {
  const snippets = page.snippets ?? [];
  if (snippets.length === 0) return known;
  const next: Record<number, SnippetPart[]> = { ...known };
  for (const snippet of snippets) if (snippet.parts.length > 0) next[snippet.commit_id] = snippet.parts;
  return next;
}

/** Rows loaded without a gap from the top (what the list shows before the exact count is known). */
function contiguousRows(state: ListState): number {
  let rows = 0;
  for (let page = 0; ; page += 1) {
    const loaded = state.pages[page];
    if (loaded === undefined) return rows;
    rows += loaded.length;
    if (loaded.length < PAGE_SIZE) return rows;
  }
}

/**
 * How many rows the list has: every matching commit once the exact count is known; before that
 * the rows loaded from the top (a status row follows them, see `hasMore`).
 */
export function rowCount(state: ListState): number {
  return state.exact ?? contiguousRows(state);
}

/** Whether rows may follow the last one: the count is not known yet. */
export function hasMore(state: ListState): boolean {
  return state.exact === null;
}

/** The commit at a row, or undefined while its page is not loaded. */
export function rowAt(state: ListState, index: number): Commit | undefined {
  return state.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}

/** Every loaded commit with its row number (for finding a commit by hash). */
export function loadedRows(state: ListState): [number, Commit][] {
  return Object.entries(state.pages).flatMap(([page, rows]) => rows.map((c, i): [number, Commit] => [Number(page) * PAGE_SIZE + i, c]));
}

/** Whether to ask for the exact count: the first page's count stopped at the cap. */
export function needsCount(state: ListState): boolean {
  return state.total !== null && state.totalIsLowerBound && state.exact === null && !state.countAsked;
}

/**
 * The pages to ask for now, given the rows in view (`first`..`last`, -1 for none) and the scroll
 * direction: the pages in view at once (answers to an earlier position must not hold them up),
 * then those up to `prefetch` rows ahead in the scroll direction while fewer than `MAX_IN_FLIGHT`
 * requests are under way; none while a failed request waits for Retry. Before the exact count is
 * known, only the page after the loaded ones (the list grows as it scrolls).
 */
export function pagesToLoad(state: ListState, first: number, last: number, down = true, prefetch = PREFETCH_ROWS): number[] {
  if (state.error !== null) return [];
  let inFlight = Object.keys(state.pending).length;
  if (state.total === null) return inFlight === 0 ? [0] : [];
  const pageOf = (row: number) => Math.floor(Math.max(row, 0) / PAGE_SIZE);
  const lastPage = state.exact === null ? pageOf(contiguousRows(state)) : Math.ceil(state.exact / PAGE_SIZE) - 1;
  const missing = (page: number) => page <= lastPage && state.pages[page] === undefined && !state.pending[page];
  const due: number[] = [];
  for (let page = pageOf(first); page <= pageOf(last); page += 1) {
    if (missing(page)) {
      due.push(page);
      inFlight += 1;
    }
  }
  // Ahead: every page up to `prefetch` rows beyond the view, nearest first.
  const ahead = down ? span(pageOf(last) + 1, pageOf(last + prefetch), 1) : span(pageOf(first) - 1, pageOf(first - prefetch), -1);
  for (const page of ahead) {
    if (inFlight >= MAX_IN_FLIGHT) break;
    if (page >= 0 && missing(page)) {
      due.push(page);
      inFlight += 1;
    }
  }
  return due;
}

/** The integers from `from` towards `to` by `step` (±1), both included; none if `to` lies behind. */
function span(from: number, to: number, step: 1 | -1): number[] {
  const length = (to - from) * step + 1;
  return Array.from({ length: Math.max(0, length) }, (_, i) => from + i * step);
}

/**
 * How far ahead to fetch: `PREFETCH_ROWS`, or three times the rows the view moved since the last
 * render when it moves faster (a fling or a held key), up to `MAX_PREFETCH_ROWS`.
 */
export function prefetchRows(movedRows: number): number {
  return Math.min(MAX_PREFETCH_ROWS, Math.max(PREFETCH_ROWS, 3 * Math.abs(movedRows)));
}

/** The request for one page: after the cursor of the page before it, or by offset from the nearer end. */
export function pageQuery(source: CommitSource, state: ListState, page: number, sort: Sort = DEFAULT_SORT): { query: CommitQuery; reversed: boolean } {
  const base = pageRequest(source, null, PAGE_SIZE, sort);
  if (page === 0) return { query: base, reversed: false };
  const cursor = state.cursors[page - 1];
  if (cursor !== undefined) return { query: pageRequest(source, cursor, PAGE_SIZE, sort), reversed: false };
  const start = page * PAGE_SIZE;
  const exact = state.exact;
  if (exact !== null && start > exact / 2) {
    // Counted from the end: the same rows, in reverse order, at the mirrored offset.
    const end = Math.min(start + PAGE_SIZE, exact);
    const order = effectiveSort(sort, source.filter);
    const options: QueryOptions = {
      limit: end - start,
      offset: exact - end,
      sort_by: order.by,
      sort_order: order.order === "desc" ? "asc" : "desc",
    };
    return { query: { ...base, options }, reversed: true };
  }
  return { query: { ...base, options: { ...base.options, offset: start } }, reversed: false };
}

/**
 * The number of matching commits to show: exact when known, otherwise "at least" the backend's
 * capped count (or the rows already loaded, if more).
 */
export function matchingTotal(state: ListState): { count: number; atLeast: boolean } | null {
  if (state.exact !== null) return { count: state.exact, atLeast: false };
  if (state.total === null) return null;
  return { count: Math.max(state.total, contiguousRows(state)), atLeast: true };
}
