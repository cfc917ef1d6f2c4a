import { describe, expect, it } from "vitest";

import type { ActivityReport } from "../../bindings/ActivityReport";
import { defaultGranularity, folderTree, heatmapCells, shortNumber } from "./chartRules";

describe("heatmapCells", () => {
  it("gives 7 × 24 cells with levels relative to the busiest, missing rows as zero", () => {
    const heatmap = [[0, 1, 2, 8], [4]];
    const cells = heatmapCells(heatmap);
    expect(cells).toHaveLength(168);
    const at = (w: number, h: number) => cells.find((c) => c.weekday === w && c.hour === h)!;
    expect(at(0, 3)).toMatchObject({ commits: 8, level: 4 });
    expect(at(0, 1)).toMatchObject({ commits: 1, level: 1 });
    expect(at(1, 0)).toMatchObject({ commits: 4, level: 2 });
    expect(at(0, 0).level).toBe(0);
    expect(at(6, 23)).toMatchObject({ commits: 0, level: 0 });
    expect(heatmapCells([]).every((c) => c.level === 0)).toBe(true);
  });
});

describe("defaultGranularity", () => {
  const bucket = (period: string) => ({ period, commits: 1, additions: 0, deletions: 0 });
  const report = (days: number, weeks: number): ActivityReport => ({
    days: Array.from({ length: days }, (_, i) => bucket(`d${i}`)),
    weeks: Array.from({ length: weeks }, (_, i) => bucket(`w${i}`)),
    months: [bucket("m")],
    heatmap: [],
    total_commits: days,
    left_out: { authors: [], author_commits: 0, files: 0, lines: 0, commits: 0 },
  });
  it("picks the finest that stays readable", () => {
    expect(defaultGranularity(report(30, 5))).toBe("day");
    expect(defaultGranularity(report(500, 80))).toBe("week");
    expect(defaultGranularity(report(5000, 700))).toBe("month");
  });
});

describe("folderTree", () => {
  it("nests files by folder, collapses single-folder chains and drops empty sizes", () => {
    const files = [
      { path: "src/app/a.rs", n: 3 },
      { path: "src/app/b.rs", n: 2 },
      { path: "README.md", n: 1 },
      { path: "docs/empty.md", n: 0 },
    ];
    const tree = folderTree(files, (f) => f.n);
    expect(tree).toEqual([
      {
        name: "src/app",
        path: "src/app",
        children: [
          { name: "a.rs", path: "src/app/a.rs", size: 3 },
          { name: "b.rs", path: "src/app/b.rs", size: 2 },
        ],
      },
      { name: "README.md", path: "README.md", size: 1 },
    ]);
  });

  it("keeps a file and a folder of the same name apart", () => {
    const tree = folderTree([{ path: "a" }, { path: "a/b" }], () => 1);
    expect(tree.map((n) => [n.path, n.children === undefined])).toEqual([
      ["a", true],
      ["a", false],
    ]);
  });
});

describe("shortNumber", () => {
  it("shortens thousands and millions", () => {
    expect(shortNumber(950)).toBe("950");
    expect(shortNumber(1234)).toBe("1.2k");
    expect(shortNumber(12_345)).toBe("12k");
    expect(shortNumber(2_500_000)).toBe("2.5M");
  });
});
