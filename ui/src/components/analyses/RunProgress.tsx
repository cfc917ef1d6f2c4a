import { phaseLabel, progressFraction, progressText } from "../../analysisRules";
import type { AnalysisProgress } from "../../bindings/AnalysisProgress";

interface Props {
  label: string;
  progress: AnalysisProgress | null;
  cancelling: boolean;
  onCancel: () => void;
}

/** The running analysis: phase, done/total, a bar, and Cancel. */
export function RunProgress({ label, progress, cancelling, onCancel }: Props) {
  const fraction = progressFraction(progress);
  return (
    <div className="import-progress" data-testid="analysis-progress" aria-live="polite">
      <div className="import-progress__head">
        <span className="import-progress__what">
          <strong data-testid="analysis-phase">{cancelling ? "Cancelling…" : progress === null ? "Starting" : phaseLabel(progress.phase)}</strong>
          <span className="muted">{label}</span>
          <span className="muted" data-testid="analysis-progress-figures">
            {progressText(progress)}
          </span>
        </span>
        <button
          type="button"
          className="button button--small"
          data-testid="analysis-cancel"
          aria-disabled={cancelling}
          onClick={() => {
            if (!cancelling) onCancel();
          }}
        >
          Cancel
        </button>
      </div>
      <div
        className={`progress${fraction === null ? " progress--indeterminate" : ""}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(fraction === null ? {} : { "aria-valuenow": Math.round(fraction * 100) })}
      >
        <div className="progress__bar" style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}
