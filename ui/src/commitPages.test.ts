import { describe, expect, it } from "vitest";

import type { Commit } from "./bindings/Commit";
import type { CommitPage } from "./bindings/CommitPage";
import type { Filter } from "./bindings/Filter";
import {
  emptyList,
  formatChurn,
  matchingTotal,
  listReducer,
  needsMore,
  pageRequest,
  PAGE_SIZE,
  summaryLine,
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

describe("listReducer", () => {
  it("appends pages in order and follows the cursor to the end", () => {
    let state = listReducer(emptyList(0), { type: "reset", key: 1 });
    state = listReducer(state, { type: "request", key: 1 });
    expect(state.loading).toBe(true);
    state = listReducer(state, { type: "loaded", key: 1, after: null, page: page(range(1, 3), 5, "c3") });
    expect(state.rows.map((c) => c.id)).toEqual([1, 2, 3]);
    expect(state).toMatchObject({ total: 5, cursor: "c3", complete: false, loading: false });

    state = listReducer(state, { type: "request", key: 1 });
    state = listReducer(state, { type: "loaded", key: 1, after: "c3", page: page([4, 5], 5, null) });
    expect(state.rows.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(state).toMatchObject({ total: 5, cursor: null, complete: true, loading: false });
  });

  it("keeps the snippets of full-text results by commit id, page after page", () => {
    const hit = (commit_id: number, word: string) => ({ commit_id, parts: [{ text: "fix the ", hit: false }, { text: word, hit: true }] });
    let state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: { ...page([1, 2], 3, "c2"), snippets: [hit(1, "crash")] } });
    state = listReducer(state, { type: "loaded", key: 1, after: "c2", page: { ...page([3], 3, null), snippets: [hit(3, "Crash"), { commit_id: 4, parts: [] }] } });
    expect(Object.keys(state.snippets)).toEqual(["1", "3"]);
    expect(state.snippets[3]![1]).toEqual({ text: "Crash", hit: true });
    expect(listReducer(state, { type: "reset", key: 2 }).snippets).toEqual({});
  });

  it("drops answers to an older question", () => {
    let state = listReducer(emptyList(0), { type: "reset", key: 2 });
    state = listReducer(state, { type: "loaded", key: 1, after: null, page: page([9], 1, null) });
    expect(state.rows).toEqual([]);
    expect(state.total).toBeNull();
    state = listReducer(state, { type: "failed", key: 1, error: { code: "query", message: "old" } });
    expect(state.error).toBeNull();
  });

  it("drops a duplicate answer for a page already appended", () => {
    let state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([1, 2], 4, "c2") });
    state = listReducer(state, { type: "loaded", key: 1, after: null, page: page([1, 2], 4, "c2") });
    expect(state.rows.map((c) => c.id)).toEqual([1, 2]);
    expect(state.cursor).toBe("c2");
  });

  it("treats an empty page as the end even with a cursor", () => {
    const state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([], 0, "c0") });
    expect(state).toMatchObject({ rows: [], total: 0, cursor: null, complete: true });
  });

  it("keeps the rows on a failed page and clears the error on retry", () => {
    let state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([1], 3, "c1") });
    state = listReducer(state, { type: "request", key: 1 });
    state = listReducer(state, { type: "failed", key: 1, error: { code: "storage", message: "disk I/O error" } });
    expect(state).toMatchObject({ loading: false, error: { code: "storage", message: "disk I/O error" }, cursor: "c1" });
    expect(state.rows).toHaveLength(1);
    state = listReducer(state, { type: "retry", key: 1 });
    expect(state.error).toBeNull();
    expect(state.cursor).toBe("c1");
  });
});

describe("matchingTotal", () => {
  it("is unknown before the first page and exact when the backend counted everything", () => {
    expect(matchingTotal(emptyList(1))).toBeNull();
    const state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([1, 2], 450, "c2") });
    expect(matchingTotal(state)).toEqual({ count: 450, atLeast: false });
  });

  it("says 'at least' for a capped count until every page has arrived, then counts the rows", () => {
    let state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([1, 2, 3], 2, "c3", true) });
    expect(matchingTotal(state)).toEqual({ count: 3, atLeast: true });
    state = listReducer(emptyList(1), { type: "loaded", key: 1, after: null, page: page([1, 2], 10000, "c2", true) });
    expect(state.totalIsLowerBound).toBe(true);
    expect(matchingTotal(state)).toEqual({ count: 10000, atLeast: true });
    state = listReducer(state, { type: "loaded", key: 1, after: "c2", page: page([3, 4, 5], 10000, null, true) });
    expect(matchingTotal(state)).toEqual({ count: 5, atLeast: false });
  });
});

describe("needsMore", () => {
  const loaded = (rows: number, complete = false): ListState => ({
    ...emptyList(1),
    rows: range(1, rows).map(commit),
    total: 1000,
    cursor: complete ? null : "c",
    complete,
  });

  it("asks for the first page at once", () => {
    expect(needsMore(emptyList(1), -1)).toBe(true);
  });

  it("asks for the next page once the last rendered row is within the prefetch margin", () => {
    expect(needsMore(loaded(200), 98, 100)).toBe(false);
    expect(needsMore(loaded(200), 99, 100)).toBe(true);
    expect(needsMore(loaded(200), 199, 100)).toBe(true);
  });

  it("does not ask while loading, after an error or when complete", () => {
    expect(needsMore({ ...loaded(200), loading: true }, 199)).toBe(false);
    expect(needsMore({ ...loaded(200), error: { code: "storage", message: "x" } }, 199)).toBe(false);
    expect(needsMore(loaded(200, true), 199)).toBe(false);
  });
});

describe("summaryLine and formatChurn", () => {
  it("takes the first line of a message", () => {
    expect(summaryLine("Fix import in web\n\nLonger body")).toBe("Fix import in web");
    expect(summaryLine("  one line  ")).toBe("one line");
    expect(summaryLine("")).toBe("");
  });

  it("formats known and unknown line counts", () => {
    expect(formatChurn(12, 3)).toEqual({ added: "+12", removed: "−3" });
    expect(formatChurn(0, 0)).toEqual({ added: "+0", removed: "−0" });
    expect(formatChurn(null, null)).toEqual({ added: "—", removed: "—" });
  });
});
