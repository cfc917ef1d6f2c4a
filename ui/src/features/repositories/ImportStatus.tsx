import { describeReport, PHASE_LABELS, progressCount, progressFraction, progressRate } from "./importProgress";
import type { Importer } from "./useImport";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { CancelButton, ProgressMeter } from "../../shared/components/ProgressMeter";

/** The running import's progress bar (phase, done/total, rate, Cancel) or how the last one ended. */
export function ImportStatus({ importer }: { importer: Importer }) {
  const { state } = importer;
  switch (state.status) {
    case "idle":
      return null;
    case "running": {
      const fraction = progressFraction(state.progress);
      const phase = state.progress === null ? "Starting" : PHASE_LABELS[state.progress.phase];
      const count = progressCount(state.progress);
      const rate = progressRate(state.progress);
      return (
        <div className="import-progress" data-testid="import-progress" aria-live="polite">
          <div className="import-progress__head">
            <span className="import-progress__what">
              <strong data-testid="import-phase">{state.cancelling ? "Cancelling…" : phase}</strong>
              <span className="path muted" title={state.path}>
                <span>{state.name ?? state.path}</span>
              </span>
            </span>
            <span className="import-progress__figures">
              <span data-testid="import-count">{count}</span>
              {rate !== "" && <span data-testid="import-rate">{rate}</span>}
            </span>
            <CancelButton testId="import-cancel" cancelling={state.cancelling} onCancel={() => void importer.cancel()} />
          </div>
          <ProgressMeter label="Import progress" fraction={fraction} />
        </div>
      );
    }
    case "done":
      return (
        <div className="notice" data-testid="import-result" role="status">
          <span data-testid="import-result-text">{describeReport(state.report)}</span>
          <button type="button" className="button button--small" onClick={importer.dismiss}>
            Dismiss
          </button>
        </div>
      );
    case "failed":
      if (state.error.code === "cancelled") {
        // Asked for by the user: a notice, not an error.
        return (
          <div className="notice notice--muted" data-testid="import-error" data-error-code="cancelled" role="status">
            <span>
              <strong>Import cancelled.</strong>{" "}
              <span data-testid="error-message">
                Everything stored so far is kept; Sync (or Import again) continues where it stopped.
              </span>
            </span>
            <button type="button" className="button button--small" onClick={importer.dismiss}>
              Dismiss
            </button>
          </div>
        );
      }
      return (
        <div className="import-failed" data-testid="import-error" data-error-code={state.error.code}>
          <ErrorBanner error={state.error} title="Import failed" />
          <button type="button" className="button button--small" onClick={importer.dismiss}>
            Dismiss
          </button>
        </div>
      );
  }
}
