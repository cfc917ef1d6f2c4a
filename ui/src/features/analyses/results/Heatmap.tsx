import { heatmapCells, WEEKDAYS } from "../chartRules";
import { formatCount } from "../../../shared/format";

interface Props {
  heatmap: readonly (readonly number[])[];
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Commits by weekday (rows) and hour (columns) in the author's own time zone, as a CSS grid. */
export function Heatmap({ heatmap }: Props) {
  const cells = heatmapCells(heatmap);
  return (
    <div className="heatmap" role="table" aria-label="Commits by weekday and hour" data-testid="activity-heatmap">
      <div className="heatmap__row" role="row">
        <span className="heatmap__label" role="columnheader" />
        {HOURS.map((hour) => (
          <span key={hour} className="heatmap__hour" role="columnheader" aria-label={`${hour}:00`}>
            {hour % 3 === 0 ? hour : ""}
          </span>
        ))}
      </div>
      {WEEKDAYS.map((day, weekday) => (
        <div key={day} className="heatmap__row" role="row">
          <span className="heatmap__label" role="rowheader">
            {day}
          </span>
          {cells
            .filter((c) => c.weekday === weekday)
            .map((cell) => (
              <span
                key={cell.hour}
                role="cell"
                className={`heatmap__cell heatmap__cell--${cell.level}`}
                title={`${day} ${cell.hour}:00–${cell.hour + 1}:00: ${formatCount(cell.commits)} ${cell.commits === 1 ? "commit" : "commits"}`}
                aria-label={`${day} ${cell.hour}:00, ${cell.commits} commits`}
              />
            ))}
        </div>
      ))}
    </div>
  );
}
