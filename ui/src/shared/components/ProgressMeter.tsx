/**
 * The pieces every long-work status shares (import, backup, analysis): the bar — indeterminate
 * while the total is unknown — and a Cancel button that does nothing while cancelling.
 */

/** A progress bar; `fraction` between 0 and 1, or null when the total is not known yet. */
export function ProgressMeter({ label, fraction }: { label: string; fraction: number | null }) {
  return (
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
  );
}

export function CancelButton({ testId, cancelling, onCancel }: { testId: string; cancelling: boolean; onCancel: () => void }) {
  return (
    <button
      type="button"
      className="button button--small"
      data-testid={testId}
      aria-disabled={cancelling}
      onClick={() => {
        if (!cancelling) onCancel();
      }}
    >
      Cancel
    </button>
  );
}
