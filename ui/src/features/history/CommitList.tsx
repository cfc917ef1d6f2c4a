import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type CSSProperties, type RefObject } from "react";

import type { Commit } from "../../bindings/Commit";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { SnippetPart } from "../../bindings/SnippetPart";
import { formatChurn, summaryLine } from "../../shared/format";
import { formatUnixSeconds, isoFromUnixSeconds } from "../../shared/format";
import { GraphCell } from "../graph/GraphCell";
import { LANE_WIDTH, MAX_LANES } from "../graph/graphRows";
import type { Graph } from "../graph/useGraph";

/** Every row has this height (px), so the list never measures rows. */
export const ROW_HEIGHT = 30;

interface Props {
  /** Rows in the list: every matching commit once the count is known. */
  count: number;
  /** The commit of a row; undefined while its page is on its way (a placeholder row shows). */
  rowAt: (index: number) => Commit | undefined;
  /** Full-text results: the message around the searched-for words, by commit id. */
  snippets?: Readonly<Record<number, readonly SnippetPart[]>>;
  /** The count is not known yet and more rows may follow: a status row sits after the last one. */
  hasMore: boolean;
  loading: boolean;
  /** The last page request failed (shown in the status row, with Retry). */
  error: ErrorPayload | null;
  selected: number | null;
  onRowClick: (index: number) => void;
  /** The first and last row rendered, so the page can fetch the pages they need in time. */
  onRendered: (firstIndex: number, lastIndex: number) => void;
  onRetry: () => void;
  listRef: RefObject<HTMLDivElement | null>;
  /** The commit graph beside the rows (null: not shown). */
  graph?: Graph | null;
}

export const rowId = (index: number) => `commit-row-${index}`;

/**
 * The commit list, virtualised: only the rows in view (plus a margin) exist in the DOM, so it
 * stays smooth with hundreds of thousands of commits. Its height covers every matching commit, so
 * the scrollbar can jump anywhere; a row whose page is still on its way shows as a placeholder.
 */
export function CommitList({ count, rowAt, snippets = {}, hasMore, loading, error, selected, onRowClick, onRendered, onRetry, listRef, graph = null }: Props) {
  const graphWidth = graph === null ? 0 : Math.max(1, Math.min(graph.width, MAX_LANES));
  const grid = graph === null ? "commit-grid" : "commit-grid commit-grid--graph";
  const gridStyle = graph === null ? {} : ({ "--graph-width": `${graphWidth * LANE_WIDTH}px` } as CSSProperties);
  const statusRow = hasMore || (error !== null && count === 0);
  const virtualizer = useVirtualizer({
    count: count + (statusRow ? 1 : 0),
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    initialRect: { width: 900, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length === 0 ? -1 : items[0]!.index;
  const lastIndex = items.length === 0 ? -1 : items[items.length - 1]!.index;

  useEffect(() => {
    onRendered(firstIndex, lastIndex);
  }, [firstIndex, lastIndex, onRendered]);

  // Keep the selected row in view (keyboard movement).
  const scrolledTo = useRef<number | null>(null);
  useEffect(() => {
    if (selected === null || selected === scrolledTo.current) return;
    scrolledTo.current = selected;
    virtualizer.scrollToIndex(selected, { align: "auto" });
  }, [selected, virtualizer]);

  return (
    <div className="commit-list">
      <div className={`commit-list__head ${grid}`} style={gridStyle} aria-hidden="true">
        {graph !== null && <span title={graph.width > MAX_LANES ? `${graph.width} lanes; the first ${MAX_LANES} are drawn` : undefined}>Graph</span>}
        <span>Hash</span>
        <span>Summary</span>
        <span>Author</span>
        <span>Date</span>
        <span className="num">+/−</span>
      </div>
      <div
        ref={listRef}
        className="commit-list__scroll"
        role="listbox"
        aria-label="Commits"
        tabIndex={0}
        data-testid="commit-list"
        aria-activedescendant={selected === null || rowAt(selected) === undefined ? undefined : rowId(selected)}
      >
        <div className="commit-list__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const commit = item.index < count ? rowAt(item.index) : undefined;
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, ...gridStyle };
            if (commit === undefined && item.index < count) {
              return (
                <div key={`placeholder-${item.index}`} className="commit-row commit-row--placeholder" style={style} data-testid="commit-row-placeholder" data-index={item.index}>
                  {error !== null ? (
                    <RowError what="these commits" error={error} onRetry={onRetry} />
                  ) : (
                    <span className="commit-row__skeleton" aria-hidden="true" />
                  )}
                </div>
              );
            }
            if (commit === undefined) {
              return (
                <div key="status" className="commit-row commit-row--status" style={style} data-testid="commit-list-status">
                  {error !== null ? (
                    <RowError what="more commits" error={error} onRetry={onRetry} />
                  ) : (
                    <span className="muted">{loading ? "Loading more commits…" : "More commits below…"}</span>
                  )}
                </div>
              );
            }
            const churn = formatChurn(commit.totals.total_additions, commit.totals.total_deletions);
            const time = commit.committer.time;
            const isSelected = item.index === selected;
            return (
              <div
                key={commit.id}
                id={rowId(item.index)}
                role="option"
                aria-selected={isSelected}
                className={`commit-row ${grid}${isSelected ? " commit-row--selected" : ""}`}
                style={style}
                data-testid="commit-row"
                data-index={item.index}
                data-hash={commit.hash}
                onClick={() => onRowClick(item.index)}
              >
                {graph !== null && <GraphCell row={graph.rowAt(item.index)} width={graphWidth} height={ROW_HEIGHT} />}
                <span className="commit-row__hash" data-testid="commit-hash">
                  {commit.hash.slice(0, 8)}
                </span>
                <span className="commit-row__summary" data-testid="commit-summary" title={summaryLine(commit.message)}>
                  <span>{summaryLine(commit.message)}</span>
                  {snippets[commit.id] !== undefined && <Snippet parts={snippets[commit.id]!} />}
                </span>
                <span className="commit-row__author" data-testid="commit-author" title={commit.author.email}>
                  <span>{commit.author.name}</span>
                </span>
                <time className="commit-row__date" dateTime={isoFromUnixSeconds(time)} data-testid="commit-date">
                  {formatUnixSeconds(time)}
                </time>
                <span className="num commit-row__churn" data-testid="commit-churn">
                  <span className="added">{churn.added}</span> <span className="removed">{churn.removed}</span>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** A failed page request in a row's place, with Retry. */
function RowError({ what, error, onRetry }: { what: string; error: ErrorPayload; onRetry: () => void }) {
  return (
    <>
      <span className="commit-row__error">
        Could not load {what}: {error.message}
      </span>
      <button type="button" className="button button--small" onClick={onRetry}>
        Retry
      </button>
    </>
  );
}

/** The message around the searched-for words, the words marked. */
function Snippet({ parts }: { parts: readonly SnippetPart[] }) {
  return (
    <span className="commit-row__snippet" data-testid="commit-snippet">
      {parts.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  );
}
