import { useState } from "react";

import { api, type AppInfo } from "../../shared/api";
import type { CopyProgress } from "../../shared/progress";
import type { CopyReport } from "../../bindings/CopyReport";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { normalizeError } from "../../shared/errors";
import { copyMessage, copyProgressText, verificationText } from "./copyRules";

interface Props {
  /** The URL typed in the field (null: the SQLite file in the data folder). */
  url: string | null;
  /** Why the URL cannot be switched to (it is the one in use, or set by the environment). */
  blocked: string | null;
  current: string | null;
  onSwitched: (info: AppInfo) => void;
}

/** "Copy my data to this database and switch": progress, then the verification report. */
export function CopyAndSwitch({ url, blocked, current, onSwitched }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<CopyProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<CopyReport | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);

  async function run() {
    setConfirming(false);
    setRunning(true);
    setReport(null);
    setError(null);
    try {
      const result = await api.copyStoreAndSwitch(url, setProgress);
      setReport(result.report);
      if (result.info !== null) onSwitched(result.info);
    } catch (e) {
      setError(normalizeError(e));
    } finally {
      setRunning(false);
      setProgress(null);
    }
  }

  return (
    <div className="settings__copy">
      <button
        type="button"
        className="button"
        data-testid="settings-db-copy"
        aria-disabled={blocked !== null || running}
        title={blocked ?? "Copy this store into the (empty) database above, verify it, then switch to it"}
        onClick={() => {
          if (blocked === null && !running) setConfirming(true);
        }}
      >
        {running ? "Copying…" : "Copy my data to this database and switch"}
      </button>
      {running && (
        <p className="muted" role="status" data-testid="settings-db-copy-progress">
          {progress === null ? "Opening both databases…" : copyProgressText(progress)}
        </p>
      )}
      {error !== null && <ErrorBanner error={error} title="The copy did not finish; the app stayed on its database" />}
      {report !== null && (
        <div data-testid="settings-db-copy-report">
          <p className={report.verified ? "notice" : "muted"} role="status" data-testid="settings-db-copy-verdict">
            {verificationText(report)}
          </p>
          <table className="settings__copy-table">
            <thead>
              <tr>
                <th>Table</th>
                <th>Source rows</th>
                <th>Copied rows</th>
              </tr>
            </thead>
            <tbody>
              {report.tables.map((t) => (
                <tr key={t.table} data-testid="settings-db-copy-row">
                  <td>{t.table}</td>
                  <td>{t.source_rows.toLocaleString("en-US")}</td>
                  <td>{t.target_rows.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title="Copy your data and switch?"
          message={copyMessage(current, url)}
          confirmLabel="Copy and switch"
          onCancel={() => setConfirming(false)}
          onConfirm={() => void run()}
        />
      )}
    </div>
  );
}
