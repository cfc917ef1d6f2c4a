import { useRef, useState, type KeyboardEvent } from "react";

import type { Repository } from "../../bindings/Repository";
import { nextFocusIndex } from "../../shared/focus";
import { formatCount, formatUnixSeconds, isoFromUnixSeconds } from "../../shared/format";

/**
 * The repository list. Rows are focusable with a roving tab stop: Tab enters the table at one row,
 * Up/Down (and Home/End, PageUp/PageDown) move between rows.
 */
interface Props {
  repos: readonly Repository[];
  /** An import is running: Sync waits for it. */
  importing?: boolean;
  onSync?: (repo: Repository) => void;
  onOpenHistory?: (repo: Repository) => void;
  /** Asks to remove a repository (the caller confirms first). */
  onRemove?: (repo: Repository) => void;
  /** Turns indexing the changed lines (`change:` searches) on or off. */
  onToggleChangeIndex?: (repo: Repository, enabled: boolean) => void;
  /** A repository whose change index is being switched. */
  switching?: string | null;
  /** Turns background sync on (every `seconds`) or off (null). */
  onKeepInSync?: (repo: Repository, seconds: number | null) => void;
}

/** The keep-in-sync choices, in seconds ("" is off). */
export const SYNC_INTERVALS: readonly { seconds: number | null; label: string }[] = [
  { seconds: null, label: "Off" },
  { seconds: 900, label: "Every 15 minutes" },
  { seconds: 3600, label: "Hourly" },
  { seconds: 86400, label: "Daily" },
];

function intervalLabel(seconds: number): string {
  const known = SYNC_INTERVALS.find((i) => i.seconds === seconds);
  return known?.label ?? `Every ${Math.round(seconds / 60)} minutes`;
}

export function RepositoryTable({
  repos,
  importing = false,
  onSync,
  onOpenHistory,
  onRemove,
  onToggleChangeIndex,
  switching = null,
  onKeepInSync,
}: Props) {
  const [active, setActive] = useState(0);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const tabStop = Math.min(active, repos.length - 1);

  function onKeyDown(event: KeyboardEvent<HTMLTableSectionElement>) {
    const row = (event.target as HTMLElement).closest("tr");
    const current = row === null ? null : rows.current.indexOf(row);
    const next = nextFocusIndex(current === -1 ? null : current, event.key, repos.length);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    rows.current[next]?.focus();
  }

  return (
    <div className="table-wrap">
      <table className="table" data-testid="repo-table">
        <caption className="visually-hidden">Stored repositories</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Workspace</th>
            <th scope="col">Path or URL</th>
            <th scope="col" className="num">
              Commits
            </th>
            <th scope="col">Last sync</th>
            <th scope="col" title="Sync in the background while the app runs (and with repovault-cli sync --watch)">
              Keep in sync
            </th>
            <th scope="col" title="Index the lines each commit adds and removes, for change:, added: and removed: searches">
              Search changes
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {repos.map((repo, index) => {
            const iso = isoFromUnixSeconds(repo.last_synced_at);
            return (
              <tr
                key={repo.id}
                ref={(el) => {
                  rows.current[index] = el;
                }}
                tabIndex={index === tabStop ? 0 : -1}
                onFocus={() => setActive(index)}
                data-testid="repo-row"
                data-repo-name={repo.name}
              >
                <th scope="row" data-testid="repo-name">
                  {repo.name}
                </th>
                <td data-testid="repo-workspace">{repo.workspace}</td>
                <td
                  className="path"
                  data-testid="repo-path"
                  title={repo.remote_url === null ? (repo.path ?? undefined) : `Mirrored in ${repo.path ?? "?"}`}
                >
                  {repo.remote_url !== null ? (
                    <span>{repo.remote_url}</span>
                  ) : repo.path === null ? (
                    <span className="muted">—</span>
                  ) : (
                    <span>{repo.path}</span>
                  )}
                </td>
                <td className="num" data-testid="repo-commit-count" data-value={repo.commit_count}>
                  {formatCount(repo.commit_count)}
                </td>
                <td data-testid="repo-last-sync">
                  {iso === undefined ? (
                    <span className="muted">{formatUnixSeconds(repo.last_synced_at)}</span>
                  ) : (
                    <time dateTime={iso} title={iso}>
                      {formatUnixSeconds(repo.last_synced_at)}
                    </time>
                  )}
                  {repo.last_sync_error !== null && (
                    <>
                      {" "}
                      <span className="badge badge--error" data-testid="repo-sync-failed" title={repo.last_sync_error}>
                        sync failed
                      </span>
                      <div className="muted repo-sync-error" data-testid="repo-sync-error">
                        {formatUnixSeconds(repo.last_sync_attempt_at)}: {repo.last_sync_error}
                      </div>
                    </>
                  )}
                </td>
                <td data-testid="repo-keep-in-sync-cell">
                  <select
                    className="input input--small"
                    data-testid="repo-keep-in-sync"
                    aria-label={`Keep ${repo.name} in sync`}
                    value={repo.sync_interval_secs === null ? "" : String(repo.sync_interval_secs)}
                    disabled={repo.path === null || onKeepInSync === undefined}
                    onChange={(e) => onKeepInSync?.(repo, e.target.value === "" ? null : Number(e.target.value))}
                  >
                    {SYNC_INTERVALS.map((i) => (
                      <option key={i.label} value={i.seconds === null ? "" : String(i.seconds)}>
                        {i.label}
                      </option>
                    ))}
                    {repo.sync_interval_secs !== null &&
                      !SYNC_INTERVALS.some((i) => i.seconds === repo.sync_interval_secs) && (
                        <option value={String(repo.sync_interval_secs)}>{intervalLabel(repo.sync_interval_secs)}</option>
                      )}
                  </select>
                </td>
                <td data-testid="repo-change-index-cell">
                  <input
                    type="checkbox"
                    data-testid="repo-change-index"
                    aria-label={`Index the changed lines of ${repo.name}`}
                    checked={repo.index_changes}
                    aria-disabled={importing || switching !== null}
                    aria-busy={switching === repo.name}
                    title={
                      importing
                        ? "An import is running"
                        : repo.index_changes
                          ? "Stop indexing changed lines (drops the index; change: finds nothing here)"
                          : "Index the changed lines of the stored commits (takes a while on large repositories)"
                    }
                    onChange={() => {
                      if (!importing && switching === null) onToggleChangeIndex?.(repo, !repo.index_changes);
                    }}
                  />
                </td>
                <td className="actions">
                  {onOpenHistory !== undefined && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="repo-history"
                      onClick={() => onOpenHistory(repo)}
                    >
                      History
                    </button>
                  )}
                  {onSync !== undefined && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="repo-sync"
                      aria-disabled={importing || repo.path === null}
                      title={
                        repo.path === null
                          ? "Stored from push events: there is no folder to sync from"
                          : importing
                            ? "Another import is running"
                            : repo.remote_url !== null
                              ? `Fetch from ${repo.remote_url} and import what is new`
                              : `Import what is new in ${repo.path}`
                      }
                      onClick={() => {
                        if (!importing && repo.path !== null) onSync(repo);
                      }}
                    >
                      Sync
                    </button>
                  )}
                  {onRemove !== undefined && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="repo-remove"
                      aria-disabled={importing}
                      title={importing ? "An import is running" : `Remove ${repo.name} from RepoVault`}
                      onClick={() => {
                        if (!importing) onRemove(repo);
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
