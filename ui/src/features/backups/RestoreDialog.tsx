import { useId, useState } from "react";

import type { BackupProgress } from "../../shared/progress";
import type { RestorePreview } from "../../bindings/RestorePreview";
import { compareRows, formatTime, safetyText } from "./backupRules";
import { formatCount } from "../../shared/format";
import { BackupProgressBar } from "./BackupProgressBar";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";

interface Props {
  preview: RestorePreview;
  /** The restore runs (its progress, null before the first message). */
  running: { progress: BackupProgress | null } | null;
  onConfirm: (password: string | null) => void;
  onCancel: () => void;
}

const count = (n: number | null) => (n === null ? "—" : formatCount(n));

/**
 * The restore confirmation: what is replaced (current counts beside the backup's), that a safety
 * backup of the current data is taken first and where, and the password of an encrypted backup.
 */
export function RestoreDialog({ preview, running, onConfirm, onCancel }: Props) {
  const id = useId();
  const [password, setPassword] = useState("");
  const { backup } = preview;
  const rows = compareRows(preview);
  const needsPassword = backup.encrypted;
  const ready = !needsPassword || password !== "";

  return (
    <ConfirmDialog
      title="Restore this backup?"
      message={`The current data is replaced by the backup of ${formatTime(backup.created_at)} (${backup.name}).`}
      confirmLabel={running !== null ? "Restoring…" : "Restore"}
      busy={running !== null}
      onCancel={onCancel}
      onConfirm={() => {
        if (ready) onConfirm(needsPassword ? password : null);
      }}
    >
      <table className="table restore-compare" data-testid="restore-compare">
        <caption className="visually-hidden">Rows now and in the backup</caption>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col" className="num">
              Now (replaced)
            </th>
            <th scope="col" className="num">
              In the backup
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.table}
              data-testid="restore-count-row"
              data-table={row.table}
              data-current={row.current ?? ""}
              data-backup={row.backup ?? ""}
            >
              <th scope="row">{row.label}</th>
              <td className="num" data-testid="restore-count-current">
                {count(row.current)}
              </td>
              <td className="num" data-testid="restore-count-backup">
                {count(row.backup)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {backup.manifest === null && (
        <p className="muted restore-note">
          {needsPassword ? "The backup is encrypted: its counts are read once the password opens it." : "The backup's counts cannot be read."}
        </p>
      )}
      <p className="restore-note" data-testid="restore-safety">
        {safetyText(preview.safety_backup_to)}
      </p>
      {needsPassword && (
        <div className="field">
          <label htmlFor={`${id}-password`}>Password of the backup</label>
          <input
            id={`${id}-password`}
            type="password"
            className="input"
            data-testid="restore-password"
            value={password}
            autoComplete="off"
            onChange={(e) => setPassword(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && ready && running === null) {
                e.preventDefault();
                onConfirm(password);
              }
            }}
          />
          {!ready && <span className="muted">Enter the password to restore.</span>}
        </div>
      )}
      {running !== null && <BackupProgressBar label="Restoring" progress={running.progress} testId="restore-progress" />}
    </ConfirmDialog>
  );
}
