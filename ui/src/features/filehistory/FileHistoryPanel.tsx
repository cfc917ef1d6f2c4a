import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import type { FileChange } from "../../bindings/FileChange";
import type { PathChange } from "../../bindings/PathChange";
import { api } from "../../shared/api";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { formatChurn, formatUnixSeconds } from "../../shared/format";
import { toLoadable } from "../../shared/query/queryClient";
import { DiffView, KIND_LETTERS } from "../commit/DiffView";

interface Props {
  repositoryId: number;
  path: string;
  /** Only commits this branch reaches (null: every stored commit). */
  rev: string | null;
  onOpenCommit: (hash: string) => void;
  onBlame: (path: string, hash: string) => void;
  onClose: () => void;
}

/** The change as the diff view takes it (its diff text is read by id when shown). */
export function asFileChange(change: PathChange): FileChange {
  return {
    id: change.file_change_id,
    path: change.path,
    old_path: change.old_path,
    kind: change.kind,
    is_binary: change.is_binary,
    is_submodule: false,
    additions: change.additions,
    deletions: change.deletions,
    diff_size: change.has_diff ? 0 : null,
    diff: null,
  };
}

/**
 * A file's history: every commit that changed it, newest first, following renames through the
 * stored old paths (as `git log --follow`; merges are not listed), each with that file's diff.
 */
export function FileHistoryPanel({ repositoryId, path, rev, onOpenCommit, onBlame, onClose }: Props) {
  const history = toLoadable<PathChange[]>(
    useQuery({ queryKey: ["file-history", repositoryId, path, rev], queryFn: () => api.getFileHistory(repositoryId, path, rev) }),
  );
  const [shown, setShown] = useState<number | null>(null);
  return (
    <section className="history-tool" data-testid="file-history" aria-label={`History of ${path}`}>
      <div className="history-tool__head">
        <h2>
          History of <code>{path}</code>
          {rev !== null && <span className="muted"> on {rev}</span>}
        </h2>
        <button type="button" className="button button--small" data-testid="file-history-close" onClick={onClose}>
          Close
        </button>
      </div>
      {history.status === "loading" && <p className="placeholder">Loading…</p>}
      {history.status === "error" && <ErrorBanner error={history.error} title="Cannot show this file's history" />}
      {history.status === "ok" && (
        <>
          <p className="muted history__note" data-testid="file-history-summary">
            {history.data.length === 1 ? "1 commit" : `${history.data.length} commits`} changed this file (renames followed, merges not listed).
          </p>
          <table>
            <tbody>
              {history.data.map((change) => {
                const churn = formatChurn(change.additions, change.deletions);
                const open = shown === change.file_change_id;
                return (
                  <tr key={change.file_change_id} data-testid="file-history-row" data-hash={change.hash}>
                    <td>
                      <button type="button" className="link-button" title={`Open ${change.hash}`} onClick={() => onOpenCommit(change.hash)}>
                        <code>{change.hash.slice(0, 10)}</code>
                      </button>
                    </td>
                    <td className="muted">{formatUnixSeconds(change.committer_time)}</td>
                    <td>
                      <span className={`kind kind--${change.kind}`} title={change.kind}>
                        {KIND_LETTERS[change.kind]}
                      </span>
                    </td>
                    <td>
                      {change.old_path !== null && change.old_path !== change.path ? `${change.old_path} → ${change.path}` : change.path}
                      {open && <DiffView changes={[asFileChange(change)]} />}
                    </td>
                    <td className="num">
                      {change.is_binary ? (
                        "binary"
                      ) : (
                        <>
                          <span className="added">{churn.added}</span> <span className="removed">{churn.removed}</span>
                        </>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="file-history-diff"
                        aria-expanded={open}
                        onClick={() => setShown(open ? null : change.file_change_id)}
                      >
                        {open ? "Hide diff" : "Diff"}
                      </button>{" "}
                      {change.kind !== "deleted" && (
                        <button type="button" className="button button--small" onClick={() => onBlame(change.path, change.hash)}>
                          Blame
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
