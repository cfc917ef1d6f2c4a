import { describe, expect, it } from "vitest";

import { pageRequest, PAGE_SIZE } from "./commitPages";
import { DEFAULT_SORT, effectiveSort, hasFullText, naturalOrder, sortOptions } from "./historySort";

const words = { field: "text", op: "eq", value: "fix crash" };
const alice = { field: "author", op: "like", value: "%alice%" };

describe("full-text conditions", () => {
  it("finds a text condition at any depth, but not one that must not match", () => {
    expect(hasFullText(null)).toBe(false);
    expect(hasFullText(alice)).toBe(false);
    expect(hasFullText(words)).toBe(true);
    expect(hasFullText({ and: [alice, { or: [words] }] })).toBe(true);
    expect(hasFullText({ not: words })).toBe(false);
    expect(hasFullText({ not: { not: words } })).toBe(true);
    expect(hasFullText({ and: [{ not: words }, alice] })).toBe(false);
  });
});

describe("sort", () => {
  it("falls back from relevance to the default without full text", () => {
    const relevance = { by: "relevance" as const, order: "desc" as const };
    expect(effectiveSort(relevance, { and: [alice] })).toEqual(DEFAULT_SORT);
    expect(effectiveSort(relevance, { and: [alice, words] })).toEqual(relevance);
    expect(effectiveSort({ by: "additions", order: "asc" }, null)).toEqual({ by: "additions", order: "asc" });
  });

  it("names are A→Z first, the rest largest/newest/best first", () => {
    expect(naturalOrder("author")).toBe("asc");
    expect(naturalOrder("hash")).toBe("asc");
    expect(naturalOrder("relevance")).toBe("desc");
    expect(naturalOrder("date")).toBe("desc");
  });

  it("asks for the default order with no options, and for others explicitly", () => {
    expect(sortOptions(DEFAULT_SORT)).toEqual({});
    expect(sortOptions({ by: "date", order: "asc" })).toEqual({ sort_by: "date", sort_order: "asc" });
  });

  it("puts the sort into each page request, with the cursor", () => {
    const source = { repository: null, branch: null, filter: words };
    expect(pageRequest(source, null, PAGE_SIZE, { by: "relevance", order: "desc" })).toEqual({
      filter: words,
      options: { limit: PAGE_SIZE, sort_by: "relevance", sort_order: "desc" },
    });
    expect(pageRequest(source, "c9", 50, { by: "author", order: "asc" }).options).toEqual({ limit: 50, cursor: "c9", sort_by: "author", sort_order: "asc" });
    // Relevance without words: the default order (the backend would refuse it).
    expect(pageRequest({ ...source, filter: alice }, null, PAGE_SIZE, { by: "relevance", order: "desc" }).options).toEqual({ limit: PAGE_SIZE });
  });
});
