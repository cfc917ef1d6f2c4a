import { durationText, kindInfo, paramsSummary, STATUS_LABELS } from "./analysisRules";
import { formatUnixSeconds } from "../../shared/format";
import type { RunsList } from "./useAnalysis";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  runs: RunsList;
  /** The run shown now (highlighted). */
  current: number | null;
  disabled: boolean;
  onOpen: (runId: number) => void;
}

const STATUS_BADGE = { done: "badge", failed: "badge badge--error", cancelled: "badge badge--muted", queued: "badge badge--muted", running: "badge badge--muted" } as const;

/** The repository's earlier runs, newest first; opening one shows its stored result. */
export function RunList({ runs, current, disabled, onOpen }: Props) {
  if (runs.status === "idle") return null;
  if (runs.status === "loading") return <p className="muted">Loading earlier runs…</p>;
  if (runs.status === "error") return <ErrorBanner error={runs.error} title="Earlier runs could not be listed" />;
  if (runs.runs.length === 0) {
    return (
      <p className="muted" data-testid="analysis-runs-empty">
        No runs yet. Choose a kind and press Run.
      </p>
    );
  }
  return (
    <ul className="run-list" data-testid="analysis-runs">
      {runs.runs.map((run) => (
        <li key={run.id}>
          <button
            type="button"
            className={`run-list__item${run.id === current ? " run-list__item--current" : ""}`}
            data-testid="analysis-run"
            data-run-id={run.id}
            data-kind={run.kind}
            data-status={run.status}
            aria-current={run.id === current ? "true" : undefined}
            disabled={disabled}
            onClick={() => onOpen(run.id)}
          >
            <span className="run-list__kind">{kindInfo(run.kind).label}</span>
            <span className={STATUS_BADGE[run.status]}>{STATUS_LABELS[run.status]}</span>
            <span className="muted run-list__when">{formatUnixSeconds(run.created_at)}</span>
            <span className="muted run-list__params">
              {paramsSummary(run.kind, run.params)}
              {run.duration_ms !== null ? ` · ${durationText(run.duration_ms)}` : ""}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
