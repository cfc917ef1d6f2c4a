import { describe, expect, it } from "vitest";

import type { Filter } from "../../bindings/Filter";
import { parseDiff } from "./diff";
import { changeTerms, firstMatch, jumpTarget, matchRanges } from "./changeMatch";

const c = (field: string, op: string, value: string): Filter => ({ field, op, value });

describe("changeTerms", () => {
  it("collects the changed-lines conditions a filter requires, not the negated ones", () => {
    const filter: Filter = {
      and: [
        c("change", "contains", "unwrap()"),
        { not: c("added", "contains", "dbg!") },
        { or: [c("removed", "contains", "TODO")] },
        c("author", "like", "%a%"),
        c("change", "contains", "unwrap()"),
      ],
    };
    expect(changeTerms(filter)).toEqual([
      { text: "unwrap()", side: "both" },
      { text: "TODO", side: "del" },
    ]);
    expect(changeTerms(null)).toEqual([]);
  });
});

describe("matchRanges", () => {
  const lines = parseDiff("@@ -1,2 +1,2 @@\n-let x = foo.unwrap();\n+let x = foo.Unwrap()?; // unwrap\n context unwrap\n");
  it("finds the text in added and removed lines, ASCII case ignored for lower-case text", () => {
    const terms = [{ text: "unwrap", side: "both" as const }];
    expect(matchRanges(lines[1]!, terms)).toEqual([[13, 19]]);
    expect(matchRanges(lines[2]!, terms)).toEqual([
      [13, 19],
      [27, 33],
    ]);
    expect(matchRanges(lines[3]!, terms)).toEqual([]);
  });
  it("matches text with capitals as written, and only on its side", () => {
    expect(matchRanges(lines[2]!, [{ text: "Unwrap", side: "both" }])).toEqual([[13, 19]]);
    expect(matchRanges(lines[1]!, [{ text: "Unwrap", side: "both" }])).toEqual([]);
    expect(matchRanges(lines[1]!, [{ text: "unwrap", side: "add" }])).toEqual([]);
    expect(firstMatch(lines, [{ text: "unwrap", side: "add" }])).toBe(2);
    expect(firstMatch(lines, [])).toBe(-1);
  });
});

describe("jumpTarget", () => {
  it("waits for earlier files, then picks the first with a match", () => {
    expect(jumpTarget(["pending", "match"])).toBeNull();
    expect(jumpTarget(["none", "match", "match"])).toBe(1);
    expect(jumpTarget(["none", "none"])).toBeNull();
  });
});
