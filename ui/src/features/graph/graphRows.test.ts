import { describe, expect, it } from "vitest";

import { GRAPH_PAGE, graphPages, graphUnavailable, rowPaths } from "./graphRows";
import { DEFAULT_SORT } from "../history/historySort";

describe("graph rows", () => {
  it("asks for the pages holding the rows in view", () => {
    expect(graphPages(-1, -1)).toEqual([]);
    expect(graphPages(0, 30)).toEqual([0]);
    expect(graphPages(GRAPH_PAGE - 5, GRAPH_PAGE + 5)).toEqual([0, 1]);
  });

  it("shows only beside an unfiltered list of one repository in date order, and says why not", () => {
    expect(graphUnavailable(1, null, DEFAULT_SORT)).toBeNull();
    expect(graphUnavailable(1, { and: [] }, DEFAULT_SORT)).toBeNull();
    expect(graphUnavailable(null, null, DEFAULT_SORT)).toMatch(/one repository/);
    expect(graphUnavailable(1, { field: "author", op: "eq", value: "bob" }, DEFAULT_SORT)).toMatch(/filter/);
    expect(graphUnavailable(1, null, { by: "additions", order: "desc" })).toMatch(/date order/);
  });

  it("draws lines through, into and out of the commit", () => {
    const paths = rowPaths({ row: 0, hash: "a", lane: 1, top: [1, 2], bottom: [1, 0], pass: [3] }, 30);
    expect(paths.map((p) => p.lane)).toEqual([3, 1, 2, 1, 0]);
    expect(paths[0]!.d).toBe("M42 0V30");
  });
});
