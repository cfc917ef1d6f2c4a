import { describe, expect, it } from "vitest";

import { churnBar, countLines, DIFF_PAGE_LINES, firstPage, formatBytes, largestChange, parseDiff, showMore, splitRows } from "./diff";

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
  it("shows a file's first page, or all of a short diff", () => {
    expect(firstPage(10)).toBe(10);
    expect(firstPage(5000)).toBe(DIFF_PAGE_LINES);
    expect(firstPage(0)).toBe(0);
  });

  it("shows one more page per click and stops at the end", () => {
    expect(showMore(2000, 9000)).toBe(2000 + DIFF_PAGE_LINES);
    expect(showMore(8000, 9000)).toBe(9000);
    expect(showMore(0, 150)).toBe(150);
  });
});

describe("splitRows (side by side)", () => {
  const rows = (text: string) =>
    splitRows(parseDiff(text)).map((r) =>
      r.kind === "full" ? `= ${r.line.text}` : `${r.left?.text ?? "·"} | ${r.right?.text ?? "·"}`,
    );

  it("puts context on both sides and pairs removed with added lines in order", () => {
    expect(rows(SAMPLE)).toEqual([
      "= @@ -1,4 +1,5 @@",
      " fn main() { |  fn main() {",
      '-    println!("hi"); | +    println!("hello");',
      '· | +    println!("world");',
      " } |  }",
      "= @@ -10,2 +11,2 @@ mod tests",
      "-old | +new",
      "= \\ No newline at end of file",
    ]);
  });

  it("lets the longer side of a block continue alone and starts a new block after additions", () => {
    expect(rows("@@ -1,3 +1,1 @@\n-a\n-b\n-c\n+x\n")).toEqual(["= @@ -1,3 +1,1 @@", "-a | +x", "-b | ·", "-c | ·"]);
    expect(rows("@@ -1,2 +1,2 @@\n+x\n-a\n+y\n")).toEqual(["= @@ -1,2 +1,2 @@", "· | +x", "-a | +y"]);
  });

  it("keeps the line numbers of each side", () => {
    const [, pair] = splitRows(parseDiff("@@ -7,1 +9,1 @@\n-a\n+b\n"));
    expect(pair).toEqual({
      kind: "pair",
      left: { kind: "del", text: "-a", oldNo: 7, newNo: null },
      right: { kind: "add", text: "+b", oldNo: null, newNo: 9 },
    });
  });
});

describe("churnBar", () => {
  it("scales a file's change to the largest in the commit and splits it", () => {
    expect(churnBar(80, 20, 100)).toEqual({ added: 4, removed: 1, empty: 0 });
    expect(churnBar(10, 0, 100)).toEqual({ added: 1, removed: 0, empty: 4 });
    expect(churnBar(25, 25, 100)).toEqual({ added: 2, removed: 1, empty: 2 });
  });

  it("keeps both kinds visible, gives any change one square, and handles unknown or no change", () => {
    expect(churnBar(99, 1, 100)).toEqual({ added: 4, removed: 1, empty: 0 });
    expect(churnBar(1, 99, 100)).toEqual({ added: 1, removed: 4, empty: 0 });
    expect(churnBar(0, 1, 10_000)).toEqual({ added: 0, removed: 1, empty: 4 });
    expect(churnBar(0, 0, 100)).toEqual({ added: 0, removed: 0, empty: 5 });
    expect(churnBar(null, null, 100)).toBeNull();
  });

  it("finds the largest change", () => {
    expect(largestChange([{ additions: 3, deletions: 4 }, { additions: null, deletions: null }, { additions: 1, deletions: 0 }])).toBe(7);
    expect(largestChange([])).toBe(0);
  });
});

describe("formatBytes", () => {
  it("uses B, KB and MB", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(300 * 1024)).toBe("300 KB");
    expect(formatBytes(5 * 1024 * 1024 + 200_000)).toBe("5.2 MB");
  });
});
