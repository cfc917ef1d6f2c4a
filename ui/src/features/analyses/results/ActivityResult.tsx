import { useState } from "react";

import type { ActivityReport } from "../../../bindings/ActivityReport";
import { defaultGranularity, GRANULARITIES, timelineBuckets, type Granularity } from "../chartRules";
import { formatCount } from "../../../shared/format";
import { Heatmap } from "./Heatmap";
import { Timeline } from "./LazyCharts";
import { ResultSection } from "./ResultSection";

interface Props {
  data: ActivityReport;
  onExport: (table: string) => void;
}

const TABLE_OF: Record<Granularity, string> = { day: "days", week: "weeks", month: "months" };

/** Commits over time (per day, week or month) and by hour and weekday. */
export function ActivityResult({ data, onExport }: Props) {
  const [granularity, setGranularity] = useState<Granularity>(() => defaultGranularity(data));
  const buckets = timelineBuckets(data, granularity);
  if (data.total_commits === 0) {
    return <p className="empty" data-testid="activity-empty">No commits in this range. Widen the dates or clear the branches.</p>;
  }
  return (
    <>
      <ResultSection
        title="Timeline"
        table={TABLE_OF[granularity]}
        onExport={onExport}
        note={`${formatCount(data.total_commits)} commits`}
        testId="activity-timeline"
      >
        <div className="segmented segmented--small" role="radiogroup" aria-label="Commits per">
          {GRANULARITIES.map((g) => (
            <label key={g.value} className="segmented__option">
              <input
                type="radio"
                name="activity-granularity"
                value={g.value}
                data-testid={`granularity-${g.value}`}
                checked={granularity === g.value}
                onChange={() => setGranularity(g.value)}
              />
              {g.label}
            </label>
          ))}
        </div>
        <Timeline buckets={buckets} label={`Commits per ${granularity}`} />
      </ResultSection>
      <ResultSection title="Hour and weekday" table="heatmap" onExport={onExport} note="in each author's own time zone">
        <Heatmap heatmap={data.heatmap} />
      </ResultSection>
    </>
  );
}
