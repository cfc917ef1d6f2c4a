import type { BackupProgress } from "../../shared/progress";
import { backupFraction, PHASE_LABELS } from "./backupRules";
import { CancelButton, ProgressMeter } from "../../shared/components/ProgressMeter";

interface Props {
  /** What runs: "Creating a backup", "Verifying …", "Restoring …". */
  label: string;
  progress: BackupProgress | null;
  cancelling?: boolean;
  /** Shows a Cancel button when given. */
  onCancel?: () => void;
  testId?: string;
}

/** A running backup job: its phase, a progress bar and (for create and verify) Cancel. */
export function BackupProgressBar({ label, progress, cancelling = false, onCancel, testId = "backup-progress" }: Props) {
  const fraction = backupFraction(progress);
  const phase = cancelling ? "Cancelling…" : progress === null ? "Starting" : PHASE_LABELS[progress.phase];
  return (
    <div className="import-progress" data-testid={testId} aria-live="polite">
      <div className="import-progress__head">
        <span className="import-progress__what">
          <strong data-testid="backup-phase">{phase}</strong>
          <span className="muted">{label}</span>
        </span>
        {onCancel !== undefined && (
          <CancelButton testId="backup-cancel" cancelling={cancelling} onCancel={onCancel} />
        )}
      </div>
      <ProgressMeter label={label} fraction={fraction} />
    </div>
  );
}
