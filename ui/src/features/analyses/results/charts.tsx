/**
 * The Analyses page's charts (recharts). Loaded on demand through `LazyCharts.tsx`, so the first
 * screen does not wait for the chart library.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, Treemap, XAxis, YAxis } from "recharts";

import type { ActivityBucket } from "../../../bindings/ActivityBucket";
import { folderTree, shortNumber, type TreeNode } from "../chartRules";

const PALETTE = ["#4f7cac", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f", "#d4a017"];
const AXIS = { fontSize: 11, fill: "currentColor" };

export interface BarDatum {
  name: string;
  value: number;
}

/** Horizontal bars, biggest first (authors by commits, languages by lines). */
export function RankBars({ data, label, height }: { data: readonly BarDatum[]; label: string; height?: number }) {
  const rows = data.slice(0, 15);
  const chartHeight = height ?? Math.max(120, rows.length * 24 + 40);
  return (
    <div className="chart" aria-label={label} role="img">
      <ResponsiveContainer width="100%" height={chartHeight}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} strokeOpacity={0.2} />
          <XAxis type="number" tick={AXIS} tickFormatter={shortNumber} allowDecimals={false} />
          <YAxis type="category" dataKey="name" tick={AXIS} width={160} interval={0} />
          <Tooltip />
          <Bar dataKey="value" name={label} fill={PALETTE[0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Commits per period, oldest first. */
export function Timeline({ buckets, label }: { buckets: readonly ActivityBucket[]; label: string }) {
  return (
    <div className="chart" aria-label={label} role="img">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={[...buckets]} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid vertical={false} strokeOpacity={0.2} />
          <XAxis dataKey="period" tick={AXIS} minTickGap={24} />
          <YAxis tick={AXIS} allowDecimals={false} tickFormatter={shortNumber} width={40} />
          <Tooltip />
          <Bar dataKey="commits" name="Commits" fill={PALETTE[0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

type ColoredNode = { name: string; path: string; size?: number; fill: string; children?: ColoredNode[] };

function color(nodes: readonly TreeNode[], fill?: string): ColoredNode[] {
  return nodes.map((node, i) => {
    const own = fill ?? PALETTE[i % PALETTE.length]!;
    const colored: ColoredNode = { name: node.name, path: node.path, fill: own };
    if (node.size !== undefined) colored.size = node.size;
    if (node.children !== undefined) colored.children = color(node.children, own);
    return colored;
  });
}

interface CellProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  name?: string;
  path?: string;
  fill?: string;
  children?: unknown;
  onOpen?: (path: string) => void;
}

function Cell({ x = 0, y = 0, width = 0, height = 0, name, path, fill, children, onOpen }: CellProps) {
  const leaf = children === undefined || children === null;
  if (!leaf) return <g />;
  return (
    <g
      className="treemap__cell"
      onClick={() => {
        if (path !== undefined) onOpen?.(path);
      }}
    >
      <rect x={x} y={y} width={width} height={height} fill={fill} stroke="var(--bg, #fff)" strokeWidth={1} fillOpacity={0.85}>
        <title>{path}</title>
      </rect>
      {width > 48 && height > 16 && (
        <text x={x + 4} y={y + 13} fontSize={11} fill="#fff">
          {name !== undefined && name.length * 6.5 > width - 8 ? `${name.slice(0, Math.max(1, Math.floor((width - 8) / 6.5) - 1))}…` : name}
        </text>
      )}
    </g>
  );
}

/**
 * Files as boxes sized by `size`, grouped (and coloured) by top-level folder; a click opens the
 * file's commits.
 */
export function FileTreemap<T extends { path: string }>({
  files,
  size,
  label,
  onOpen,
}: {
  files: readonly T[];
  size: (file: T) => number;
  label: string;
  onOpen: (path: string) => void;
}) {
  const data = color(folderTree(files, size));
  if (data.length === 0) return <p className="muted">Nothing to draw.</p>;
  return (
    <div className="chart treemap" aria-label={label} role="img">
      <ResponsiveContainer width="100%" height={320}>
        <Treemap data={data} dataKey="size" nameKey="name" isAnimationActive={false} content={<Cell onOpen={onOpen} />} />
      </ResponsiveContainer>
    </div>
  );
}
