import type { BackupInfo } from "../../bindings/BackupInfo";
import {
  formatAge,
  formatSize,
  formatTime,
  kindLabel,
  VERIFIED_LABELS,
  verifiedState,
  workspaceCommitsText,
  workspaceInBackup,
  workspaceUnknownReason,
  type Verification,
} from "./backupRules";

interface Props {
  backups: readonly BackupInfo[];
  verifications: Readonly<Record<string, Verification>>;
  /** A backup job runs: Verify and Restore wait (the backend runs one at a time). */
  busy: boolean;
  /** The backup whose restore preview is being read. */
  preparing: string | null;
  now: Date;
  /** The workspace chosen in the header: a column with its commits in each backup (null: none). */
  workspace?: string | null;
  onVerify: (backup: BackupInfo) => void;
  onRestore: (backup: BackupInfo) => void;
  onDelete: (backup: BackupInfo) => void;
}

const VERIFIED_BADGE = { damaged: "badge--error", problems: "badge--error", verified: "", unverified: "badge--muted" } as const;

/** The backups of every destination, newest first, with what can be done with each. */
export function BackupList({ backups, verifications, busy, preparing, now, workspace = null, onVerify, onRestore, onDelete }: Props) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="backup-list">
        <caption className="visually-hidden">Backups, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col" className="num">
              Size
            </th>
            {workspace !== null && (
              <th scope="col" className="num" data-testid="backup-workspace-head">
                Commits in {workspace}
              </th>
            )}
            <th scope="col">Type</th>
            <th scope="col">Trigger</th>
            <th scope="col">Verified</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {backups.map((backup) => {
            const verified = verifiedState(backup, verifications);
            const problems = verifications[backup.path];
            return (
              <tr key={backup.path} data-testid="backup-row" data-path={backup.path} data-name={backup.name} data-verified={verified}>
                <th scope="row" data-testid="backup-time">
                  <time dateTime={backup.created_at} title={`${backup.name} in ${backup.destination}`}>
                    {formatTime(backup.created_at)}
                  </time>{" "}
                  <span className="muted">({formatAge(backup.created_at, now)})</span>
                  <div className="muted path backup-list__where" title={backup.path}>
                    <span>{backup.destination}</span>
                  </div>
                </th>
                <td className="num" data-testid="backup-size" data-value={backup.size}>
                  {formatSize(backup.size)}
                </td>
                {workspace !== null && <WorkspaceCell backup={backup} workspace={workspace} />}
                <td data-testid="backup-kind">
                  {kindLabel(backup.kind)}
                  {backup.encrypted && (
                    <span className="badge badge--muted" data-testid="backup-encrypted" title="Encrypted with a password">
                      encrypted
                    </span>
                  )}
                </td>
                <td data-testid="backup-trigger">{backup.trigger ?? <span className="muted">—</span>}</td>
                <td data-testid="backup-verified">
                  <span
                    className={`badge ${VERIFIED_BADGE[verified]}`}
                    title={
                      verified === "damaged"
                        ? backup.damaged ?? undefined
                        : problems?.status === "problems"
                          ? problems.problems.join("\n")
                          : undefined
                    }
                  >
                    {VERIFIED_LABELS[verified]}
                  </span>
                  {backup.damaged !== null && (
                    <div className="backup-list__damaged" data-testid="backup-damaged">
                      {backup.damaged}
                    </div>
                  )}
                </td>
                <td className="backup-list__actions">
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="backup-verify"
                    aria-disabled={busy}
                    onClick={() => {
                      if (!busy) onVerify(backup);
                    }}
                  >
                    Verify
                  </button>
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="backup-restore"
                    aria-disabled={busy || preparing !== null || backup.damaged !== null}
                    aria-busy={preparing === backup.path}
                    title={backup.damaged !== null ? "A damaged backup cannot be restored" : "Restore this backup over the current data"}
                    onClick={() => {
                      if (!busy && preparing === null && backup.damaged === null) onRestore(backup);
                    }}
                  >
                    {preparing === backup.path ? "Preparing…" : "Restore…"}
                  </button>
                  <button
                    type="button"
                    className="button button--small button--danger"
                    data-testid="backup-delete"
                    aria-disabled={busy}
                    onClick={() => {
                      if (!busy) onDelete(backup);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The selected workspace's commits in one backup, or why they are not known (never a made-up 0). */
function WorkspaceCell({ backup, workspace }: { backup: BackupInfo; workspace: string }) {
  const found = workspaceInBackup(backup.manifest, workspace);
  const reason = workspaceUnknownReason(backup, workspace);
  return (
    <td
      className={`num${found.state === "counted" ? "" : " muted"}`}
      data-testid="backup-workspace-commits"
      data-state={found.state}
      data-value={found.state === "counted" ? found.counts.commits : ""}
      title={reason ?? undefined}
    >
      {workspaceCommitsText(backup, workspace)}
    </td>
  );
}
