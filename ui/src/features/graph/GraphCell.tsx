import type { GraphRow } from "../../bindings/GraphRow";
import { LANE_WIDTH, laneX, MAX_LANES, rowPaths } from "./graphRows";

/** The lanes of one row of the History list: the commit's dot and the lines through its row. */
export function GraphCell({ row, width, height }: { row: GraphRow | undefined; width: number; height: number }) {
  const lanes = Math.min(width, MAX_LANES);
  const px = lanes * LANE_WIDTH;
  if (row === undefined) return <span className="graph-cell" style={{ width: px }} aria-hidden="true" />;
  const merge = row.bottom.length > 1;
  return (
    <span className="graph-cell" style={{ width: px }} data-testid="graph-cell" data-lane={row.lane} data-merge={merge} data-parents={row.bottom.length} data-hash={row.hash} aria-hidden="true">
      <svg width={px} height={height} viewBox={`0 0 ${px} ${height}`}>
        {rowPaths(row, height).map((p, i) => (
          <path key={i} d={p.d} className={`graph-line graph-line--${p.lane % 8}`} fill="none" />
        ))}
        <circle cx={laneX(row.lane)} cy={height / 2} r={merge ? 4.5 : 3.5} className={`graph-dot graph-line--${row.lane % 8}`} />
      </svg>
    </span>
  );
}
