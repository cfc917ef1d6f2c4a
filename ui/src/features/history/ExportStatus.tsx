import { exportProgressText, exportResultText } from "./exportRules";
import type { ExportState } from "./useExport";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  state: ExportState;
  /** The list's total is a lower bound (shown as "+"). */
  lowerBound: boolean;
  onDismiss: () => void;
}

/** The running export's progress, then its result or its error. */
export function ExportStatus({ state, lowerBound, onDismiss }: Props) {
  switch (state.status) {
    case "idle":
      return null;
    case "running":
      return (
        <div className="notice notice--muted export-status" role="status" data-testid="export-progress">
          {exportProgressText(state.progress, lowerBound)}
        </div>
      );
    case "done":
      return (
        <div className="notice export-status" role="status" data-testid="export-result" data-count={state.count}>
          <span data-testid="export-result-text">{exportResultText(state.count, state.path)}</span>
          <button type="button" className="button button--small" data-testid="export-dismiss" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      );
    case "error":
      return (
        <div className="import-failed export-status" data-testid="export-error">
          <ErrorBanner error={state.error} title="The export failed" />
          <button type="button" className="button button--small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      );
  }
}
