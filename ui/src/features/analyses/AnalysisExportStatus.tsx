import { formatCount } from "../../shared/format";
import type { AnalysisExportState } from "./useAnalysisExport";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  state: AnalysisExportState;
  onDismiss: () => void;
}

/** The export of a result's table: running, then how many rows went where, or why not. */
export function AnalysisExportStatus({ state, onDismiss }: Props) {
  switch (state.status) {
    case "idle":
      return null;
    case "running":
      return (
        <div className="notice notice--muted export-status" role="status" data-testid="analysis-export-progress">
          Exporting…
        </div>
      );
    case "done":
      return (
        <div className="notice export-status" role="status" data-testid="analysis-export-result" data-count={state.count}>
          <span>
            Exported {state.table === null ? "the result" : `${formatCount(state.count)} ${state.count === 1 ? "row" : "rows"}`} to {state.path}
          </span>
          <button type="button" className="button button--small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      );
    case "error":
      return (
        <div className="import-failed export-status" data-testid="analysis-export-error">
          <ErrorBanner error={state.error} title="The export failed" />
          <button type="button" className="button button--small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      );
  }
}
