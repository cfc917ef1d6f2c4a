import { useId, useState } from "react";

import type { BackupProgress } from "../../shared/progress";
import type { RestorePreview } from "../../bindings/RestorePreview";
import { compareRows, compareWorkspaceRows, formatTime, safetyText, workspaceScopeText, type CompareRow } from "./backupRules";
import { formatCount } from "../../shared/format";
import { BackupProgressBar } from "./BackupProgressBar";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";

interface Props {
  preview: RestorePreview;
  /** The restore runs (its progress, null before the first message). */
  running: { progress: BackupProgress | null } | null;
  onConfirm: (password: string | null) => void;
  onCancel: () => void;
  /** The workspace chosen in the header: its rows now and in the backup come first (null: none). */
  workspace?: string | null;
}

const count = (n: number | null) => (n === null ? "—" : formatCount(n));

/**
 * The restore confirmation: what is replaced (current counts beside the backup's), that a safety
 * backup of the current data is taken first and where, and the password of an encrypted backup.
 */
export function RestoreDialog({ preview, running, onConfirm, onCancel, workspace = null }: Props) {
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
      {workspace !== null && (
        <>
          <p className="restore-note" data-testid="restore-workspace-note">
            {workspaceScopeText(preview, workspace)}
          </p>
          <CompareTable
            rows={compareWorkspaceRows(preview, workspace)}
            caption={`Rows of workspace ${workspace} now and in the backup`}
            what={`Workspace ${workspace}`}
            testId="restore-workspace-compare"
            rowTestId="restore-workspace-row"
            cellTestId="restore-workspace"
          />
        </>
      )}
      <CompareTable
        rows={rows}
        caption="Rows now and in the backup"
        what={workspace === null ? "What" : "All workspaces"}
        testId="restore-compare"
        rowTestId="restore-count-row"
        cellTestId="restore-count"
      />
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

interface TableProps {
  rows: readonly CompareRow[];
  caption: string;
  /** The first column's heading. */
  what: string;
  testId: string;
  rowTestId: string;
  /** Prefix of the cells' test ids (`-current`, `-backup`). */
  cellTestId: string;
}

function CompareTable({ rows, caption, what, testId, rowTestId, cellTestId }: TableProps) {
  return (
    <table className="table restore-compare" data-testid={testId}>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{what}</th>
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
          <tr key={row.table} data-testid={rowTestId} data-table={row.table} data-current={row.current ?? ""} data-backup={row.backup ?? ""}>
            <th scope="row">{row.label}</th>
            <td className="num" data-testid={`${cellTestId}-current`}>
              {count(row.current)}
            </td>
            <td className="num" data-testid={`${cellTestId}-backup`}>
              {count(row.backup)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
