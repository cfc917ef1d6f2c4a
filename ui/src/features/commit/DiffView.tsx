import { useQuery } from "@tanstack/react-query";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { Loadable } from "../../shared/loadable";
import type { ChangeKind } from "../../bindings/ChangeKind";
import type { FileChange } from "../../bindings/FileChange";
import { countLines, DIFF_PAGE_LINES, firstPage, formatBytes, HIGHLIGHT_MAX_BYTES, parseDiff, showMore } from "./diff";
import type { DiffMode } from "./diffMode";
import { toLoadable } from "../../shared/query/queryClient";
import { fileDiffQuery } from "./queries";
import { formatCount } from "../../shared/format";
import { languageFor } from "./languages";
import { useHighlighter } from "./useHighlighter";
import { useSeenOnce } from "./useVisible";
import { SplitLines, UnifiedLines } from "./DiffLines";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { firstMatch, jumpTarget, type ChangeTerm, type FileMatch } from "./changeMatch";

export const KIND_LETTERS: Record<ChangeKind, string> = {
  added: "A",
  modified: "M",
  deleted: "D",
  renamed: "R",
  copied: "C",
  typechanged: "T",
};

export const fileAnchor = (index: number) => `diff-file-${index}`;

/** Files whose diffs load at once; the others load when they scroll near the view. */
const EAGER_FILES = 2;

interface Props {
  changes: readonly FileChange[];
  mode?: DiffMode;
  /** Text a changed-lines search looked for: marked, and the first file holding it scrolled to. */
  terms?: readonly ChangeTerm[];
}

const NO_TERMS: readonly ChangeTerm[] = [];

/**
 * The diffs of a commit's files. Each file's diff text is fetched (`get_file_diff`) when the file
 * comes near the view, and shown a page of lines at a time ("Show more"), so neither a commit with
 * many files nor a 5 MB diff renders an unbounded number of lines.
 */
export function DiffView({ changes, mode = "unified", terms = NO_TERMS }: Props) {
  // With a changed-lines search every diff loads at once, so the first match can be found.
  const searching = terms.length > 0;
  const [matches, setMatches] = useState<FileMatch[]>(() =>
    changes.map((change) => (searching && hasDiffText(change) ? "pending" : "none")),
  );
  const onMatch = useCallback((index: number, found: boolean) => {
    setMatches((all) => {
      const next = found ? "match" : "none";
      if (all[index] === next) return all;
      const copy = [...all];
      copy[index] = next;
      return copy;
    });
  }, []);
  const jump = searching ? jumpTarget(matches) : null;
  return (
    <div className="diffs" data-testid="diffs" data-mode={mode}>
      {changes.map((change, index) => (
        <FileDiff
          key={change.id}
          index={index}
          change={change}
          mode={mode}
          terms={terms}
          jump={jump === index}
          onMatch={searching ? onMatch : undefined}
        />
      ))}
    </div>
  );
}

function emptyReason(change: FileChange): string {
  if (change.is_binary) return "Binary file: no text diff.";
  if (change.is_submodule) return "Submodule: the recorded commit changed.";
  if (change.additions === 0 && change.deletions === 0) return "No content changes.";
  return "The diff text was not stored for this change.";
}

/** Whether a diff text exists to fetch (`get_commit_stat` keeps `diff_size`, drops `diff`). */
function hasDiffText(change: FileChange): boolean {
  return change.diff !== null || (change.diff_size !== null && !change.is_binary);
}

/**
 * The change's diff text: the one it carries, or fetched the first time it is `wanted` (and kept
 * while the file is shown, also when it is collapsed again).
 */
function useDiffText(change: FileChange, wantedNow: boolean): Loadable<string | null> & { retry: () => void } {
  const [wanted, setWanted] = useState(wantedNow);
  if (wantedNow && !wanted) setWanted(true);
  const query = useQuery({ ...fileDiffQuery(change.id), enabled: change.diff === null && wanted });
  const retry = () => void query.refetch();
  if (change.diff !== null) return { status: "ok", data: change.diff, retry };
  return { ...toLoadable(query), retry };
}

const FileDiff = memo(function FileDiff({
  index,
  change,
  mode,
  terms,
  jump,
  onMatch,
}: {
  index: number;
  change: FileChange;
  mode: DiffMode;
  terms: readonly ChangeTerm[];
  jump: boolean;
  onMatch: ((index: number, found: boolean) => void) | undefined;
}) {
  const ref = useRef<HTMLElement | null>(null);
  const [open, setOpen] = useState(true);
  const fetchable = hasDiffText(change);
  const seen = useSeenOnce(ref, index < EAGER_FILES || terms.length > 0, ".commit-view__scroll");

  const text = useDiffText(change, fetchable && seen && open);
  // A diff that failed or has no text holds no match: the jump goes on to the next file.
  useEffect(() => {
    if (onMatch === undefined) return;
    if (text.status === "error" || (text.status === "ok" && text.data === null)) onMatch(index, false);
  }, [onMatch, index, text.status, text.status === "ok" ? text.data : null]);

  const state = !fetchable ? "none" : text.status === "ok" ? "ready" : text.status === "error" ? "error" : seen && open ? "loading" : "idle";
  const path = change.old_path !== null && change.old_path !== change.path ? `${change.old_path} → ${change.path}` : change.path;
  return (
    <section className="file-diff" id={fileAnchor(index)} ref={ref} data-testid="file-diff" data-path={change.path} data-state={state}>
      <header className="file-diff__head">
        <span className={`kind kind--${change.kind}`}>{KIND_LETTERS[change.kind]}</span>
        <span className="file-diff__path">{path}</span>
        {change.is_binary && (
          <span className="badge badge--muted" data-testid="binary-marker">
            binary
          </span>
        )}
        {change.diff_size !== null && change.diff_size > HIGHLIGHT_MAX_BYTES && (
          <span className="muted file-diff__size">{formatBytes(change.diff_size)}</span>
        )}
        {fetchable && (
          <button
            type="button"
            className="button button--small file-diff__toggle"
            data-testid="diff-collapse"
            aria-expanded={open}
            title={open ? "Hide this file's diff" : "Show this file's diff"}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? "Collapse" : "Expand"}
          </button>
        )}
      </header>
      {fetchable && !open ? null : !fetchable || (text.status === "ok" && text.data === null) ? (
        <p className="file-diff__note">{emptyReason(change)}</p>
      ) : text.status === "error" ? (
        <div className="file-diff__error">
          <ErrorBanner error={text.error} title="Could not load this diff" />
          <button type="button" className="button button--small" data-testid="diff-retry" onClick={text.retry}>
            Retry
          </button>
        </div>
      ) : text.status === "loading" ? (
        <p className="file-diff__note" data-testid="diff-loading">
          {seen ? "Loading diff…" : "The diff loads when it scrolls into view."}
        </p>
      ) : (
        <DiffBody
          text={text.data ?? ""}
          path={change.path}
          mode={mode}
          terms={terms}
          jump={jump}
          index={index}
          onMatch={onMatch}
        />
      )}
    </section>
  );
});

/** A loaded diff: its first page of lines, "Show more" for the rest, highlighted unless too large. */
function DiffBody({
  text,
  path,
  mode,
  terms,
  jump,
  index,
  onMatch,
}: {
  text: string;
  path: string;
  mode: DiffMode;
  terms: readonly ChangeTerm[];
  jump: boolean;
  index: number;
  onMatch: ((index: number, found: boolean) => void) | undefined;
}) {
  const total = useMemo(() => countLines(text), [text]);
  // The first matching line, shown even when it lies past the first page.
  const matchAt = useMemo(() => (terms.length === 0 ? -1 : firstMatch(parseDiff(text), terms)), [text, terms]);
  const [shown, setShown] = useState(() => Math.max(firstPage(total), Math.min(total, matchAt + 50)));
  const lines = useMemo(() => parseDiff(text, shown), [text, shown]);
  const body = useRef<HTMLDivElement | null>(null);
  useEffect(() => onMatch?.(index, matchAt !== -1), [onMatch, index, matchAt]);
  useEffect(() => {
    if (!jump) return;
    body.current?.querySelector("[data-testid='diff-match']")?.scrollIntoView?.({ block: "center" });
  }, [jump]);
  const language = languageFor(path);
  const tooLarge = text.length > HIGHLIGHT_MAX_BYTES;
  const highlight = useHighlighter(language !== null && !tooLarge);
  const left = total - shown;
  const Lines = mode === "split" ? SplitLines : UnifiedLines;
  return (
    <>
      {language !== null && tooLarge && (
        <p className="file-diff__note file-diff__note--small" data-testid="highlight-skipped">
          Not highlighted: the diff is larger than {formatBytes(HIGHLIGHT_MAX_BYTES)}.
        </p>
      )}
      {lines.length > 0 && (
        <div ref={body} data-testid="diff-body" data-jump={jump ? "yes" : undefined}>
          <Lines lines={lines} path={path} language={language} highlight={highlight} terms={terms} />
        </div>
      )}
      {left > 0 && (
        <div className="file-diff__more">
          <span className="muted">{`Showing ${formatCount(shown)} of ${formatCount(total)} lines.`}</span>
          <button type="button" className="button button--small" data-testid="diff-more" onClick={() => setShown((n) => showMore(n, total))}>
            {`Show ${formatCount(Math.min(left, DIFF_PAGE_LINES))} more lines`}
          </button>
        </div>
      )}
    </>
  );
}
