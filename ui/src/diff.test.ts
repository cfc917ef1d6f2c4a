import { describe, expect, it } from "vitest";

import { countLines, DIFF_PAGE_LINES, initialAllocation, parseDiff, showMore } from "./diff";

const SAMPLE = [
  "@@ -1,4 +1,5 @@",
  " fn main() {",
  "-    println!(\"hi\");",
  "+    println!(\"hello\");",
  "+    println!(\"world\");",
  " }",
  "@@ -10,2 +11,2 @@ mod tests",
  "-old",
  "+new",
  "\\ No newline at end of file",
  "",
].join("\n");

describe("countLines", () => {
  it("counts lines with and without a final newline", () => {
    expect(countLines("")).toBe(0);
    expect(countLines("a")).toBe(1);
    expect(countLines("a\n")).toBe(1);
    expect(countLines("a\nb")).toBe(2);
    expect(countLines("a\n\nb\n")).toBe(3);
    expect(countLines(SAMPLE)).toBe(10);
  });
});

describe("parseDiff", () => {
  it("classifies lines and numbers them from the hunk headers", () => {
    const lines = parseDiff(SAMPLE);
    expect(lines.map((l) => l.kind)).toEqual([
      "hunk",
      "context",
      "del",
      "add",
      "add",
      "context",
      "hunk",
      "del",
      "add",
      "note",
    ]);
    expect(lines.map((l) => [l.oldNo, l.newNo])).toEqual([
      [null, null],
      [1, 1],
      [2, null],
      [null, 2],
      [null, 3],
      [3, 4],
      [null, null],
      [10, null],
      [null, 11],
      [null, null],
    ]);
    expect(lines[3]!.text).toBe('+    println!("hello");');
  });

  it("reads only as many lines as asked", () => {
    const lines = parseDiff(SAMPLE, 3);
    expect(lines.map((l) => l.kind)).toEqual(["hunk", "context", "del"]);
  });

  it("treats git headers before the first hunk as meta, even ones that look like +/- lines", () => {
    const text = "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+x\n";
    expect(parseDiff(text).map((l) => l.kind)).toEqual(["meta", "meta", "meta", "meta", "hunk", "add"]);
    expect(parseDiff(text)[5]).toEqual({ kind: "add", text: "+x", oldNo: null, newNo: 1 });
  });

  it("keeps an empty context line (trailing spaces stripped) and drops a CR", () => {
    const lines = parseDiff("@@ -5,3 +5,3 @@\r\n a\r\n\r\n-b\r\n+c\r\n");
    expect(lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ["hunk", "@@ -5,3 +5,3 @@", null, null],
      ["context", " a", 5, 5],
      ["context", "", 6, 6],
      ["del", "-b", 7, null],
      ["add", "+c", null, 7],
    ]);
  });

  it("parses a hunk header without counts", () => {
    expect(parseDiff("@@ -3 +4 @@\n-a\n+b\n").map((l) => [l.oldNo, l.newNo])).toEqual([
      [null, null],
      [3, null],
      [null, 4],
    ]);
  });
});

describe("diff paging", () => {
  it("gives each file up to one page while the commit's budget lasts", () => {
    expect(initialAllocation([10, 20, 30], 4000, 2000)).toEqual([10, 20, 30]);
    expect(initialAllocation([5000, 300], 4000, 2000)).toEqual([2000, 300]);
    expect(initialAllocation([1500, 1500, 1500, 800], 4000, 2000)).toEqual([1500, 1500, 1000, 0]);
    expect(initialAllocation([], 4000, 2000)).toEqual([]);
  });

  it("shows one more page per click and stops at the end", () => {
    expect(showMore(2000, 9000)).toBe(2000 + DIFF_PAGE_LINES);
    expect(showMore(8000, 9000)).toBe(9000);
    expect(showMore(0, 150)).toBe(150);
  });
});
