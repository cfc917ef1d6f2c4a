/**
 * Data shaping for the Analyses charts, kept apart from the chart library so it can be tested:
 * the hour × weekday heatmap's levels, the timeline's buckets, and the folder tree a treemap draws.
 */
import type { ActivityBucket } from "../../bindings/ActivityBucket";
import type { ActivityReport } from "../../bindings/ActivityReport";

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface HeatCell {
  weekday: number;
  hour: number;
  commits: number;
  /** 0 (none) to 4 (the busiest hour). */
  level: number;
}

/** `heatmap[weekday][hour]` as 7 × 24 cells with levels relative to the busiest cell. */
export function heatmapCells(heatmap: readonly (readonly number[])[]): HeatCell[] {
  const max = Math.max(0, ...heatmap.flatMap((row) => row.slice(0, 24)));
  const cells: HeatCell[] = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const commits = heatmap[weekday]?.[hour] ?? 0;
      const level = commits <= 0 || max === 0 ? 0 : Math.max(1, Math.ceil((commits / max) * 4));
      cells.push({ weekday, hour, commits, level });
    }
  }
  return cells;
}

export type Granularity = "day" | "week" | "month";

export const GRANULARITIES: readonly { value: Granularity; label: string }[] = [
  { value: "day", label: "Day" },
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
];

export function timelineBuckets(report: ActivityReport, granularity: Granularity): ActivityBucket[] {
  return granularity === "day" ? report.days : granularity === "week" ? report.weeks : report.months;
}

/** The finest granularity that keeps the timeline under `maxBars` bars (month when none does). */
export function defaultGranularity(report: ActivityReport, maxBars = 120): Granularity {
  if (report.days.length <= maxBars) return "day";
  if (report.weeks.length <= maxBars) return "week";
  return "month";
}

export interface TreeNode {
  name: string;
  /** The full path (folders without a trailing slash). */
  path: string;
  /** Leaves only: the size drawn. */
  size?: number;
  children?: TreeNode[];
}

/**
 * Files as a folder tree for a treemap: each file a leaf sized `size(file)`, folders nested by path
 * segment. Files with a size of 0 or less are left out (a treemap cannot draw them).
 */
export function folderTree<T extends { path: string }>(files: readonly T[], size: (file: T) => number): TreeNode[] {
  const root: TreeNode = { name: "", path: "", children: [] };
  for (const file of files) {
    const value = size(file);
    if (!(value > 0)) continue;
    const parts = file.path.split("/").filter((p) => p !== "");
    if (parts.length === 0) continue;
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const path = parts.slice(0, i + 1).join("/");
      node.children ??= [];
      let child = node.children.find((c) => c.path === path && c.children !== undefined);
      if (child === undefined) {
        child = { name: parts[i]!, path, children: [] };
        node.children.push(child);
      }
      node = child;
    }
    node.children ??= [];
    node.children.push({ name: parts[parts.length - 1]!, path: parts.join("/"), size: value });
  }
  return collapse(root.children ?? []);
}

/** A folder holding just one folder is shown as one box ("src/app"), which reads better. */
function collapse(nodes: TreeNode[]): TreeNode[] {
  return nodes.map((node) => {
    if (node.children === undefined) return node;
    let current = node;
    let name = node.name;
    while (current.children?.length === 1 && current.children[0]!.children !== undefined) {
      current = current.children[0]!;
      name = `${name}/${current.name}`;
    }
    return { name, path: current.path, children: collapse(current.children ?? []) };
  });
}

/** "12.3k" style for axis ticks. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${(value / 1_000_000).toFixed(abs >= 10_000_000 ? 0 : 1)}M`;
  if (abs >= 1_000) return `${(value / 1_000).toFixed(abs >= 10_000 ? 0 : 1)}k`;
  return String(value);
}
