import { describe, expect, it } from "vitest";

import type { Commit } from "../../bindings/Commit";
import type { CommitPage } from "../../bindings/CommitPage";
import type { Filter } from "../../bindings/Filter";
import {
  emptyList,
  hasMore,
  listReducer,
  matchingTotal,
  MAX_CACHED_PAGES,
  MAX_IN_FLIGHT,
  needsCount,
  pageQuery,
  pageRequest,
  pagesToLoad,
  prefetchRows,
  PREFETCH_ROWS,
  PAGE_SIZE,
  rowAt,
  rowCount,
  type ListState,
} from "./commitPages";

function commit(id: number): Commit {
  const hash = id.toString(16).padStart(40, "0");
  const who = { name: "Alice Kim", email: "alice@example.com", time: 1709280000 + id, tz_offset_minutes: 0 };
  return {
    id,
    repository_id: 1,
    hash,
    parents: [],
    author: who,
    committer: who,
    message: `change ${id}`,
    pusher: null,
    commit_count: null,
    raw_author: null,
    raw_committer: null,
    totals: { total_additions: 1, total_deletions: 0, files_changed: 1 },
    stored_at: 0,
  };
}

function page(ids: number[], total: number, next: string | null, atLeast = false): CommitPage {
  return { commits: ids.map(commit), total, total_is_lower_bound: atLeast, next_cursor: next, snippets: [] };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("pageRequest", () => {
  const alice: Filter = { and: [{ field: "author", op: "like", value: "%alice%" }] };

  it("lists every commit when there is no filter (or an empty one)", () => {
    expect(pageRequest({ repository: null, branch: null, filter: null }, null)).toEqual({ options: { limit: PAGE_SIZE } });
    expect(pageRequest({ repository: null, branch: null, filter: { and: [] } }, null)).toEqual({ options: { limit: PAGE_SIZE } });
  });

  it("limits the list to the repository by name and passes the cursor", () => {
    expect(pageRequest({ repository: "demo", branch: null, filter: null }, "c1", 50)).toEqual({
      filter: { field: "repository", op: "eq", value: "demo" },
      options: { limit: 50, cursor: "c1" },
    });
  });

  it("joins repository, branch and filter with and", () => {
    expect(pageRequest({ repository: "demo", branch: "main", filter: alice }, "c2")).toEqual({
      filter: {
        and: [{ field: "repository", op: "eq", value: "demo" }, { field: "branch", op: "eq", value: "main" }, alice],
      },
      options: { limit: PAGE_SIZE, cursor: "c2" },
    });
    expect(pageRequest({ repository: null, branch: null, filter: alice }, null)).toEqual({ filter: alice, options: { limit: PAGE_SIZE } });
  });
});

const full = (pageNumber: number) => range(pageNumber * PAGE_SIZE + 1, PAGE_SIZE);
const ids = (rows: readonly Commit[] | undefined) => (rows ?? []).map((c) => c.id);
const loaded = (state: ListState, pageNumber: number, result: CommitPage, reversed = false) =>
  listReducer(state, { type: "loaded", key: state.key, page: pageNumber, reversed, result });

describe("listReducer", () => {
  it("keeps pages by number, follows cursors and learns the end from the last page", () => {
    let state = listReducer(emptyList(0), { type: "reset", key: 1 });
    state = listReducer(state, { type: "request", key: 1, page: 0 });
    expect(state.pending).toEqual({ 0: true });
    state = loaded(state, 0, page(full(0), 1000, "c0", true));
    expect(state.pending).toEqual({});
    expect(state).toMatchObject({ total: 1000, totalIsLowerBound: true, exact: null, cursors: { 0: "c0" } });
    expect(rowCount(state)).toBe(PAGE_SIZE);
    expect(hasMore(state)).toBe(true);
    state = loaded(state, 1, page(range(PAGE_SIZE + 1, 5), 1000, null, true));
    expect(state.exact).toBe(PAGE_SIZE + 5);
    expect(rowCount(state)).toBe(PAGE_SIZE + 5);
    expect(hasMore(state)).toBe(false);
    expect(rowAt(state, PAGE_SIZE + 4)?.id).toBe(PAGE_SIZE + 5);
    expect(rowAt(state, PAGE_SIZE + 5)).toBeUndefined();
  });

  it("takes an uncapped first count as exact, and an exact count when it comes", () => {
    expect(loaded(emptyList(1), 0, page([1, 2], 450, "c2")).exact).toBe(450);
    let state = loaded(emptyList(1), 0, page(full(0), 1000, "c0", true));
    expect(needsCount(state)).toBe(true);
    state = listReducer(state, { type: "count", key: 1 });
    expect(needsCount(state)).toBe(false);
    state = listReducer(state, { type: "counted", key: 1, exact: 100_000 });
    expect(rowCount(state)).toBe(100_000);
    // Rows not loaded yet are placeholders, not commits.
    expect(rowAt(state, 50_000)).toBeUndefined();
    // A failed count leaves the list growing as it scrolls.
    const failed = listReducer(listReducer(loaded(emptyList(2), 0, page(full(0), 1000, "c0", true)), { type: "count", key: 2 }), { type: "counted", key: 2, exact: null });
    expect(failed.exact).toBeNull();
    expect(needsCount(failed)).toBe(false);
  });

  it("puts a page asked for in reverse order back in list order, without a cursor", () => {
    let state = listReducer(loaded(emptyList(1), 0, page(full(0), 1000, "c0", true)), { type: "counted", key: 1, exact: 1000 });
    state = loaded(state, 4, page(range(801, 200).reverse(), 1000, "back"), true);
    expect(ids(state.pages[4]).slice(0, 3)).toEqual([801, 802, 803]);
    expect(rowAt(state, 999)?.id).toBe(1000);
    expect(state.cursors[4]).toBeUndefined();
    expect(state.exact).toBe(1000);
  });

  it("keeps the snippets of full-text results by commit id, page after page", () => {
    const hit = (commit_id: number, word: string) => ({ commit_id, parts: [{ text: "fix the ", hit: false }, { text: word, hit: true }] });
    let state = loaded(emptyList(1), 0, { ...page([1, 2], 3, "c2"), snippets: [hit(1, "crash")] });
    state = loaded(state, 1, { ...page([3], 3, null), snippets: [hit(3, "Crash"), { commit_id: 4, parts: [] }] });
    expect(Object.keys(state.snippets)).toEqual(["1", "3"]);
    expect(state.snippets[3]![1]).toEqual({ text: "Crash", hit: true });
    expect(listReducer(state, { type: "reset", key: 2 }).snippets).toEqual({});
  });

  it("drops answers to an older question", () => {
    let state = listReducer(emptyList(0), { type: "reset", key: 2 });
    state = listReducer(state, { type: "loaded", key: 1, page: 0, reversed: false, result: page([9], 1, null) });
    expect(state.pages).toEqual({});
    expect(state.total).toBeNull();
    state = listReducer(state, { type: "failed", key: 1, page: 0, error: { code: "query", message: "old" } });
    expect(state.error).toBeNull();
    state = listReducer(state, { type: "counted", key: 1, exact: 5 });
    expect(state.exact).toBeNull();
  });

  it("treats an empty page as the end even with a cursor", () => {
    const state = loaded(emptyList(1), 0, page([], 0, "c0"));
    expect(state).toMatchObject({ total: 0, exact: 0, cursors: {} });
    expect(rowCount(state)).toBe(0);
  });

  it("keeps the pages on a failed request and clears the error on retry", () => {
    let state = loaded(emptyList(1), 0, page(full(0), 1000, "c0", true));
    state = listReducer(state, { type: "request", key: 1, page: 1 });
    state = listReducer(state, { type: "failed", key: 1, page: 1, error: { code: "storage", message: "disk I/O error" } });
    expect(state).toMatchObject({ pending: {}, error: { code: "storage", message: "disk I/O error" }, cursors: { 0: "c0" } });
    expect(pagesToLoad(state, 150, 210)).toEqual([]);
    state = listReducer(state, { type: "retry", key: 1 });
    expect(state.error).toBeNull();
    expect(pagesToLoad(state, 150, 210)).toEqual([1]);
  });

  it("keeps at most MAX_CACHED_PAGES pages, dropping the farthest from the newest", () => {
    let state = listReducer(loaded(emptyList(1), 0, page(full(0), 1000, "c0", true)), { type: "counted", key: 1, exact: PAGE_SIZE * (MAX_CACHED_PAGES + 10) });
    for (let n = 1; n <= MAX_CACHED_PAGES; n += 1) state = loaded(state, n, page(full(n), 1000, `c${n}`, true));
    const kept = Object.keys(state.pages).map(Number);
    expect(kept).toHaveLength(MAX_CACHED_PAGES);
    expect(kept).not.toContain(0);
    expect(kept).toContain(MAX_CACHED_PAGES);
    // Cursors are small and stay: page 1 can still be reached cheaply.
    expect(state.cursors[0]).toBe("c0");
  });
});

describe("matchingTotal", () => {
  it("is unknown before the first page and exact when the backend counted everything", () => {
    expect(matchingTotal(emptyList(1))).toBeNull();
    expect(matchingTotal(loaded(emptyList(1), 0, page([1, 2], 450, "c2")))).toEqual({ count: 450, atLeast: false });
  });

  it("says 'at least' for a capped count until the exact count or the last page arrives", () => {
    let state = loaded(emptyList(1), 0, page(full(0), 150, "c0", true));
    expect(matchingTotal(state)).toEqual({ count: PAGE_SIZE, atLeast: true });
    state = loaded(emptyList(1), 0, page(full(0), 1000, "c0", true));
    expect(matchingTotal(state)).toEqual({ count: 1000, atLeast: true });
    expect(matchingTotal(listReducer(state, { type: "counted", key: 1, exact: 123_456 }))).toEqual({ count: 123_456, atLeast: false });
    state = loaded(state, 1, page([201, 202, 203], 1000, null, true));
    expect(matchingTotal(state)).toEqual({ count: PAGE_SIZE + 3, atLeast: false });
  });
});

describe("pagesToLoad", () => {
  const counted = (exact: number, pages: number[] = [0]): ListState => {
    let state = loaded(emptyList(1), 0, page(full(0), 1000, "c0", true));
    state = listReducer(state, { type: "counted", key: 1, exact });
    for (const n of pages.filter((n) => n !== 0)) state = loaded(state, n, page(full(n), 1000, `c${n}`, true));
    return state;
  };

  it("asks for the first page at once, and nothing more until it arrives", () => {
    expect(pagesToLoad(emptyList(1), -1, -1)).toEqual([0]);
    expect(pagesToLoad(listReducer(emptyList(1), { type: "request", key: 1, page: 0 }), -1, -1)).toEqual([]);
  });

  it("before the count is known, asks only for the page after the loaded ones", () => {
    const state = loaded(emptyList(1), 0, page(full(0), 1000, "c0", true));
    expect(pagesToLoad(state, 0, 20)).toEqual([]);
    expect(pagesToLoad(state, 150, 200)).toEqual([1]);
    expect(pagesToLoad(state, 150, 199)).toEqual([1]);
  });

  it("asks for the pages in view first, then the one just ahead in the scroll direction", () => {
    const state = counted(100_000);
    expect(pagesToLoad(state, 50_000, 50_020)).toEqual([250]);
    expect(pagesToLoad(state, 50_080, 50_100)).toEqual([250, 251]);
    expect(pagesToLoad(state, 50_190, 50_210)).toEqual([250, 251]);
    expect(pagesToLoad(state, 50_000, 50_020, false)).toEqual([250, 249]);
    expect(pagesToLoad(state, 50_120, 50_140, false)).toEqual([250]);
    expect(pagesToLoad(counted(100_000, [0, 250]), 50_080, 50_100)).toEqual([251]);
    // Nothing past the end.
    expect(pagesToLoad(state, 99_980, 99_999)).toEqual([499]);
  });

  it("fetches further ahead on a fast scroll, nearest page first", () => {
    expect(prefetchRows(5)).toBe(PREFETCH_ROWS);
    expect(prefetchRows(-250)).toBe(750);
    expect(prefetchRows(100_000)).toBe(2_000);
    expect(pagesToLoad(counted(100_000), 50_000, 50_020, true, 750)).toEqual([250, 251]);
    expect(pagesToLoad(counted(100_000, [0, 250]), 50_000, 50_020, true, 750)).toEqual([251, 252]);
    expect(pagesToLoad(counted(100_000, [0, 250]), 50_000, 50_020, false, 750)).toEqual([249, 248]);
    expect(pagesToLoad(counted(1000, [0]), 100, 120, false, 750)).toEqual([]);
  });

  it("asks for the pages in view even while others are under way, but prefetches only below MAX_IN_FLIGHT", () => {
    let state = counted(100_000);
    state = listReducer(state, { type: "request", key: 1, page: 250 });
    expect(pagesToLoad(state, 50_000, 50_120)).toEqual([251]);
    state = listReducer(state, { type: "request", key: 1, page: 251 });
    expect(MAX_IN_FLIGHT).toBe(2);
    expect(pagesToLoad(state, 80_000, 80_020)).toEqual([400]);
    expect(pagesToLoad(state, 80_080, 80_100)).toEqual([400]);
    expect(pagesToLoad(listReducer(state, { type: "failed", key: 1, page: 251, error: { code: "storage", message: "x" } }), 80_000, 80_020)).toEqual([]);
  });
});

describe("pageQuery", () => {
  const source = { repository: null, branch: null, filter: null };
  const counted = (exact: number) => listReducer(loaded(emptyList(1), 0, page(full(0), 1000, "c0", true)), { type: "counted", key: 1, exact });

  it("follows the cursor of the page before, when it is loaded", () => {
    expect(pageQuery(source, counted(100_000), 1)).toEqual({ query: { options: { limit: PAGE_SIZE, cursor: "c0" } }, reversed: false });
    expect(pageQuery(source, emptyList(1), 0)).toEqual({ query: { options: { limit: PAGE_SIZE } }, reversed: false });
  });

  it("asks for a page in the first half by offset", () => {
    expect(pageQuery(source, counted(100_000), 100)).toEqual({ query: { options: { limit: PAGE_SIZE, offset: 20_000 } }, reversed: false });
  });

  it("asks for a page in the second half from the end, in reverse order", () => {
    // Rows 99,800..99,999 are the first 200 rows oldest-first.
    expect(pageQuery(source, counted(100_000), 499)).toEqual({
      query: { options: { limit: PAGE_SIZE, offset: 0, sort_by: "date", sort_order: "asc" } },
      reversed: true,
    });
    // A short last page: rows 1,000..1,049 of 1,050.
    expect(pageQuery(source, counted(1050), 5).query.options).toEqual({ limit: 50, offset: 0, sort_by: "date", sort_order: "asc" });
    expect(pageQuery(source, counted(1050), 4).query.options).toEqual({ limit: PAGE_SIZE, offset: 50, sort_by: "date", sort_order: "asc" });
    const byAuthor = pageQuery(source, counted(1050), 4, { by: "author", order: "asc" }).query.options;
    expect(byAuthor).toMatchObject({ sort_by: "author", sort_order: "desc" });
  });
});
