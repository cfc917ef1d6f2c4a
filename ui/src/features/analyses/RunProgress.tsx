import { phaseLabel, progressFraction, progressText } from "./analysisRules";
import type { AnalysisProgress } from "../../shared/progress";
import { CancelButton, ProgressMeter } from "../../shared/components/ProgressMeter";

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
        <CancelButton testId="analysis-cancel" cancelling={cancelling} onCancel={onCancel} />
      </div>
      <ProgressMeter label={label} fraction={fraction} />
    </div>
  );
}
