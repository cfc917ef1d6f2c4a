import { memo, useMemo, useState } from "react";

import type { ChangeKind } from "../bindings/ChangeKind";
import type { FileChange } from "../bindings/FileChange";
import { countLines, DIFF_PAGE_LINES, initialAllocation, parseDiff, showMore } from "../diff";
import { formatCount } from "../format";

export const KIND_LETTERS: Record<ChangeKind, string> = {
  added: "A",
  modified: "M",
  deleted: "D",
  renamed: "R",
  copied: "C",
  typechanged: "T",
};

export const fileAnchor = (index: number) => `diff-file-${index}`;

/**
 * The unified diffs of a commit's files. A large commit shows a first budget of lines and each
 * file's remainder in pages ("Show more"), so the window never renders an unbounded number of lines.
 */
export function DiffView({ changes }: { changes: readonly FileChange[] }) {
  const totals = useMemo(() => changes.map((c) => (c.diff === null ? 0 : countLines(c.diff))), [changes]);
  const [shown, setShown] = useState(() => initialAllocation(totals));

  return (
    <div className="diffs" data-testid="diffs">
      {changes.map((change, index) => (
        <FileDiff
          key={change.id}
          index={index}
          change={change}
          total={totals[index] ?? 0}
          shown={shown[index] ?? 0}
          onMore={() =>
            setShown((current) => current.map((n, i) => (i === index ? showMore(n, totals[i] ?? 0) : n)))
          }
        />
      ))}
    </div>
  );
}

interface FileDiffProps {
  index: number;
  change: FileChange;
  total: number;
  shown: number;
  onMore: () => void;
}

function emptyReason(change: FileChange): string {
  if (change.is_binary) return "Binary file: no text diff.";
  if (change.is_submodule) return "Submodule: the recorded commit changed.";
  if (change.additions === 0 && change.deletions === 0) return "No content changes.";
  return "The diff text was not stored for this change.";
}

const FileDiff = memo(function FileDiff({ index, change, total, shown, onMore }: FileDiffProps) {
  const lines = useMemo(() => (change.diff === null || shown === 0 ? [] : parseDiff(change.diff, shown)), [change.diff, shown]);
  const left = total - shown;
  return (
    <section className="file-diff" id={fileAnchor(index)} data-testid="file-diff" data-path={change.path}>
      <header className="file-diff__head">
        <span className={`kind kind--${change.kind}`}>{KIND_LETTERS[change.kind]}</span>
        <span className="file-diff__path">
          {change.old_path !== null && change.old_path !== change.path ? `${change.old_path} → ${change.path}` : change.path}
        </span>
        {change.is_binary && (
          <span className="badge badge--muted" data-testid="binary-marker">
            binary
          </span>
        )}
      </header>
      {change.diff === null ? (
        <p className="file-diff__note">{emptyReason(change)}</p>
      ) : (
        <>
          {lines.length > 0 && (
            <div className="diff" role="table" aria-label={`Diff of ${change.path}`}>
              <div className="diff__lines" role="rowgroup">
              {lines.map((line, i) => (
                <div key={i} className={`diff-line diff-line--${line.kind}`} data-testid="diff-line" data-kind={line.kind} role="row">
                  <span className="diff-line__no" role="cell">
                    {line.oldNo ?? ""}
                  </span>
                  <span className="diff-line__no" role="cell">
                    {line.newNo ?? ""}
                  </span>
                  <span className="diff-line__text" role="cell">
                    {line.text}
                  </span>
                </div>
              ))}
              </div>
            </div>
          )}
          {left > 0 && (
            <div className="file-diff__more">
              <span className="muted">
                {shown === 0
                  ? `${formatCount(total)} lines not shown yet.`
                  : `Showing ${formatCount(shown)} of ${formatCount(total)} lines.`}
              </span>
              <button type="button" className="button button--small" data-testid="diff-more" onClick={onMore}>
                {shown === 0 ? "Show diff" : `Show ${formatCount(Math.min(left, DIFF_PAGE_LINES))} more lines`}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
});
