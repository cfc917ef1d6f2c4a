import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import type { Commit } from "../../bindings/Commit";
import type { CompareFile } from "../../bindings/CompareFile";
import type { Comparison } from "../../bindings/Comparison";
import type { FileChange } from "../../bindings/FileChange";
import { DiffView } from "../commit/DiffView";
import { api } from "../../shared/api";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { formatChurn, formatCount, summaryLine } from "../../shared/format";
import { toLoadable } from "../../shared/query/queryClient";

interface Props {
  repository: string;
  /** The left side to start with (the selected branch, or HEAD). */
  initialLeft: string;
  onOpenCommit: (hash: string) => void;
  onClose: () => void;
}

/**
 * Two branches, tags or commits compared: commits only on each side (as
 * `git rev-list --left-right --count A...B`), merge bases, and the changed files two-dot (A..B)
 * or three-dot (A...B, from the merge base). Counts and commits come from the store; the file
 * list is read from the repository folder.
 */
export function ComparePanel({ repository, initialLeft, onOpenCommit, onClose }: Props) {
  const [left, setLeft] = useState(initialLeft);
  const [right, setRight] = useState("");
  const [threeDot, setThreeDot] = useState(true);
  const [asked, setAsked] = useState<{ left: string; right: string; threeDot: boolean } | null>(null);
  const result = toLoadable<Comparison>(
    useQuery({
      queryKey: ["compare", repository, asked],
      queryFn: () => api.compareRevisions(repository, asked!.left, asked!.right, asked!.threeDot),
      enabled: asked !== null,
    }),
  );
  return (
    <section className="history-tool" data-testid="compare" aria-label="Compare">
      <form
        className="history-tool__head"
        onSubmit={(e) => {
          e.preventDefault();
          if (left.trim() !== "" && right.trim() !== "") setAsked({ left: left.trim(), right: right.trim(), threeDot });
        }}
      >
        <h2>Compare</h2>
        <input className="input input--mono" aria-label="Left revision" data-testid="compare-left" value={left} onChange={(e) => setLeft(e.target.value)} placeholder="branch, tag or hash" />
        <span>{threeDot ? "..." : ".."}</span>
        <input className="input input--mono" aria-label="Right revision" data-testid="compare-right" value={right} onChange={(e) => setRight(e.target.value)} placeholder="branch, tag or hash" />
        <label>
          <input type="checkbox" checked={threeDot} data-testid="compare-three-dot" onChange={(e) => setThreeDot(e.target.checked)} /> three-dot
        </label>
        <button type="submit" className="button" data-testid="compare-run">
          Compare
        </button>
        <button type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </form>
      {asked !== null && result.status === "loading" && <p className="placeholder">Comparing…</p>}
      {result.status === "error" && <ErrorBanner error={result.error} title="Cannot compare" />}
      {result.status === "ok" && (
        <div data-testid="compare-result" data-left-only={result.data.left_only} data-right-only={result.data.right_only}>
          <p data-testid="compare-counts">
            <strong>{formatCount(result.data.left_only)}</strong> only in <code>{result.data.left}</code>,{" "}
            <strong>{formatCount(result.data.right_only)}</strong> only in <code>{result.data.right}</code>
            {" · merge base "}
            {result.data.merge_bases.length === 0
              ? "none"
              : result.data.merge_bases.map((hash) => (
                  <button key={hash} type="button" className="link-button" data-testid="compare-base" onClick={() => onOpenCommit(hash)}>
                    <code>{hash.slice(0, 10)}</code>
                  </button>
                ))}
          </p>
          <CommitColumn title={`Only in ${result.data.left}`} commits={result.data.left_commits} total={result.data.left_only} onOpenCommit={onOpenCommit} />
          <CommitColumn title={`Only in ${result.data.right}`} commits={result.data.right_commits} total={result.data.right_only} onOpenCommit={onOpenCommit} />
          <h3 className="section-title">
            Files ({result.data.left}
            {result.data.three_dot ? "..." : ".."}
            {result.data.right})
          </h3>
          {result.data.files === null ? (
            <p className="muted" data-testid="compare-files-note">
              {result.data.files_note}
            </p>
          ) : (
            <CompareFiles repository={repository} comparison={result.data} />
          )}
        </div>
      )}
    </section>
  );
}

/** The changed files; a click (or Enter) on one shows its diff below the list. */
function CompareFiles({ repository, comparison }: { repository: string; comparison: Comparison }) {
  const [selected, setSelected] = useState<string | null>(null);
  const files = comparison.files ?? [];
  // Two-dot diffs start from the left side, three-dot ones from the (first) merge base.
  const from = comparison.three_dot ? (comparison.merge_bases[0] ?? null) : comparison.left_hash;
  return (
    <>
      <table data-testid="compare-files">
        <tbody>
          {files.map((f) => {
            const churn = formatChurn(f.additions, f.deletions);
            return (
              <tr
                key={`${f.old_path ?? ""}>${f.path}`}
                data-testid="compare-file"
                data-path={f.path}
                className={`compare-file${selected === f.path ? " compare-file--selected" : ""}`}
                tabIndex={0}
                aria-selected={selected === f.path}
                onClick={() => setSelected(f.path)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" || e.key === " ") {
                    e.preventDefault();
                    setSelected(f.path);
                  }
                }}
              >
                <td className="num">{f.is_binary ? "binary" : <><span className="added">{churn.added}</span> <span className="removed">{churn.removed}</span></>}</td>
                <td>{f.old_path !== null && f.old_path !== f.path ? `${f.old_path} → ${f.path}` : f.path}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {selected !== null && from !== null && (
        <CompareFileDiff repository={repository} from={from} to={comparison.right_hash} file={files.find((f) => f.path === selected)!} />
      )}
    </>
  );
}

function CompareFileDiff({ repository, from, to, file }: { repository: string; from: string; to: string; file: CompareFile }) {
  const diff = toLoadable<FileChange>(
    useQuery({
      queryKey: ["compare", "file-diff", repository, from, to, file.path],
      queryFn: () => api.compareFileDiff(repository, from, to, file.path),
    }),
  );
  return (
    <div className="compare-diff" data-testid="compare-diff" data-path={file.path}>
      {diff.status === "loading" && <p className="placeholder">Reading the diff of {file.path}…</p>}
      {diff.status === "error" && <ErrorBanner error={diff.error} title={`Cannot show the diff of ${file.path}`} />}
      {diff.status === "ok" && <DiffView changes={[diff.data]} />}
    </div>
  );
}

function CommitColumn({ title, commits, total, onOpenCommit }: { title: string; commits: readonly Commit[]; total: number; onOpenCommit: (hash: string) => void }) {
  if (total === 0) return null;
  return (
    <details open={total <= 20}>
      <summary>
        {title} ({formatCount(total)}
        {commits.length < total ? `, the newest ${commits.length} listed` : ""})
      </summary>
      <ul>
        {commits.map((c) => (
          <li key={c.hash}>
            <button type="button" className="link-button" onClick={() => onOpenCommit(c.hash)}>
              <code>{c.hash.slice(0, 10)}</code>
            </button>{" "}
            {summaryLine(c.message)} <span className="muted">{c.author.name}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
