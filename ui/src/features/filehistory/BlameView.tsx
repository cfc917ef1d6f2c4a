import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import type { Blame } from "../../bindings/Blame";
import type { Commit } from "../../bindings/Commit";
import type { LineHistory } from "../../bindings/LineHistory";
import { api } from "../../shared/api";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { formatUnixSeconds, summaryLine } from "../../shared/format";
import { toLoadable } from "../../shared/query/queryClient";

interface Props {
  repository: string;
  path: string;
  /** The commit (or any revision) to blame at. */
  rev: string;
  onOpenCommit: (hash: string) => void;
  onClose: () => void;
}

/**
 * Blame: each line of the file at a commit with the commit that last changed it, its author and
 * date, replayed from the stored diffs (no repository folder needed). A commit opens it;
 * "Blame parent" steps back to the file before that commit.
 */
export function BlameView({ repository, path, rev: initialRev, onOpenCommit, onClose }: Props) {
  const [revs, setRevs] = useState<string[]>([initialRev]);
  const rev = revs[revs.length - 1]!;
  const blame = toLoadable<Blame>(
    useQuery({ queryKey: ["blame", repository, path, rev], queryFn: () => api.blameFile(repository, path, rev) }),
  );
  const commits = new Map<string, Commit>(blame.status === "ok" ? blame.data.commits.map((c) => [c.hash, c]) : []);
  // Lines chosen for their history: a click picks a line, a shift-click extends to another.
  const [selection, setSelection] = useState<{ start: number; end: number } | null>(null);
  const [asked, setAsked] = useState<{ start: number; end: number; rev: string } | null>(null);
  function pick(line: number, extend: boolean) {
    setSelection((s) => (extend && s !== null ? { start: Math.min(s.start, line), end: Math.max(s.start, line) } : { start: line, end: line }));
  }
  return (
    <section className="history-tool" data-testid="blame" aria-label={`Blame of ${path}`}>
      <div className="history-tool__head">
        <h2>
          Blame of <code>{path}</code> at <code data-testid="blame-rev">{rev.length === 40 ? rev.slice(0, 10) : rev}</code>
        </h2>
        {revs.length > 1 && (
          <button type="button" className="button button--small" onClick={() => setRevs((r) => r.slice(0, -1))}>
            Back
          </button>
        )}
        <button type="button" className="button button--small" data-testid="blame-close" onClick={onClose}>
          Close
        </button>
      </div>
      {blame.status === "loading" && <p className="placeholder">Loading…</p>}
      {blame.status === "error" && <ErrorBanner error={blame.error} title="Cannot blame this file" />}
      {blame.status === "ok" && (
        <>
          <p className="muted history__note" data-testid="blame-source">
            From the {blame.data.source} (no repository folder needed) · {blame.data.lines.length} lines · {blame.data.commits.length} commits
          </p>
          {selection !== null && !blame.data.binary && (
            <p className="history__note">
              <button
                type="button"
                className="button button--small"
                data-testid="line-history-run"
                onClick={() => setAsked({ ...selection, rev: blame.data.hash })}
              >
                History of lines {selection.start}–{selection.end}
              </button>{" "}
              <span className="muted">the commits that changed them (as git log -L)</span>
            </p>
          )}
          {asked !== null && <LineHistoryList repository={repository} path={path} {...asked} onOpenCommit={onOpenCommit} />}
          {blame.data.binary ? (
            <p data-testid="blame-binary">Binary file: there are no lines to blame.</p>
          ) : (
            <table>
              <tbody>
                {blame.data.lines.map((line, i) => {
                  const first = i === 0 || blame.data.lines[i - 1]!.commit !== line.commit;
                  const commit = commits.get(line.commit);
                  return (
                    <tr key={line.line} className={`blame-line${first ? " blame-line__new" : ""}`} data-testid="blame-line" data-commit={line.commit}>
                      <td>
                        {first && (
                          <button type="button" className="link-button" title={commit === undefined ? line.commit : summaryLine(commit.message)} onClick={() => onOpenCommit(line.commit)}>
                            <code>{line.commit.slice(0, 8)}</code>
                          </button>
                        )}
                      </td>
                      <td className="muted">{first && commit !== undefined ? commit.author.name : ""}</td>
                      <td className="muted">{first && commit !== undefined ? formatUnixSeconds(commit.author.time) : ""}</td>
                      <td>
                        {first && commit !== undefined && commit.parents.length > 0 && (
                          <button
                            type="button"
                            className="button button--small"
                            data-testid="blame-parent"
                            title="Blame the file as it was before this commit"
                            onClick={() => setRevs((r) => [...r, `${line.commit}^`])}
                          >
                            Blame parent
                          </button>
                        )}
                      </td>
                      <td
                        className={`num${selection !== null && line.line >= selection.start && line.line <= selection.end ? " blame-line--chosen" : " muted"}`}
                        data-testid="blame-line-number"
                        title="Click to choose this line, shift-click to choose up to it"
                        onClick={(e) => pick(line.line, e.shiftKey)}
                      >
                        {line.line}
                      </td>
                      <td className="blame-line__text">{line.text}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function LineHistoryList({
  repository,
  path,
  start,
  end,
  rev,
  onOpenCommit,
}: {
  repository: string;
  path: string;
  start: number;
  end: number;
  rev: string;
  onOpenCommit: (hash: string) => void;
}) {
  const history = toLoadable<LineHistory>(
    useQuery({ queryKey: ["line-history", repository, path, start, end, rev], queryFn: () => api.lineHistory(repository, path, start, end, rev) }),
  );
  if (history.status === "loading") return <p className="placeholder">Following lines {start}–{end}…</p>;
  if (history.status === "error") return <ErrorBanner error={history.error} title="Cannot follow these lines" />;
  return (
    <div data-testid="line-history">
      <p className="muted history__note">
        {history.data.commits.length === 1 ? "1 commit" : `${history.data.commits.length} commits`} changed lines {start}–{end}:
      </p>
      <ul>
        {history.data.commits.map((c) => (
          <li key={c.hash} data-testid="line-history-commit" data-hash={c.hash}>
            <button type="button" className="link-button" onClick={() => onOpenCommit(c.hash)}>
              <code>{c.hash.slice(0, 10)}</code>
            </button>{" "}
            {summaryLine(c.message)} <span className="muted">{c.author.name} · {formatUnixSeconds(c.author.time)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
