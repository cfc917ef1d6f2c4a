import { memo, useMemo, useRef } from "react";

import { splitRows, type DiffLine } from "./diff";
import { matchRanges, type ChangeTerm } from "./changeMatch";
import type { Language } from "./languages";

export type Highlight = ((code: string, language: Language) => string) | null;

interface Props {
  lines: readonly DiffLine[];
  path: string;
  language: Language | null;
  highlight: Highlight;
  /** Text to mark in added and removed lines (a changed-lines search). */
  terms?: readonly ChangeTerm[];
}

const NO_TERMS: readonly ChangeTerm[] = [];

/**
 * Highlighted HTML of code lines, kept per line index: a diff's lines do not change once loaded,
 * so "show more" highlights only the new page.
 */
function useLineHtml(language: Language | null, highlight: Highlight) {
  const cache = useRef<{ key: unknown; html: Map<number, string> }>({ key: null, html: new Map() });
  return useMemo(() => {
    if (language === null || highlight === null) return null;
    if (cache.current.key !== highlight) cache.current = { key: highlight, html: new Map() };
    const html = cache.current.html;
    return (index: number, line: DiffLine): string | null => {
      if (line.kind !== "add" && line.kind !== "del" && line.kind !== "context") return null;
      let value = html.get(index);
      if (value === undefined) {
        value = highlight(line.text.slice(1), language);
        html.set(index, value);
      }
      return value;
    };
  }, [language, highlight]);
}

type LineHtml = ReturnType<typeof useLineHtml>;

/** A line's text with the searched-for text marked (plain, not syntax-highlighted). */
function Marked({ line, ranges }: { line: DiffLine; ranges: Array<[number, number]> }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  ranges.forEach(([start, end], i) => {
    if (start > at) parts.push(line.text.slice(at, start));
    parts.push(
      <mark key={i} className="diff-match" data-testid="diff-match">
        {line.text.slice(start, end)}
      </mark>,
    );
    at = end;
  });
  if (at < line.text.length) parts.push(line.text.slice(at));
  return <>{parts}</>;
}

/** A line's text: its +/-/space sign and its code, highlighted when possible. */
function Code({ line, html, terms }: { line: DiffLine; html: string | null; terms: readonly ChangeTerm[] }) {
  const ranges = terms.length === 0 ? [] : matchRanges(line, terms);
  if (ranges.length > 0) return <Marked line={line} ranges={ranges} />;
  if (html === null) return <>{line.text}</>;
  return (
    <>
      <span className="diff-line__sign">{line.text.charAt(0)}</span>
      {/* highlight.js output: the code is escaped; only its own spans are added. */}
      <span dangerouslySetInnerHTML={{ __html: html }} />
    </>
  );
}

function htmlOf(lineHtml: LineHtml, index: number, line: DiffLine): string | null {
  return lineHtml === null ? null : lineHtml(index, line);
}

/** The unified layout: old and new line numbers, then the line. */
export const UnifiedLines = memo(function UnifiedLines({ lines, path, language, highlight, terms = NO_TERMS }: Props) {
  const lineHtml = useLineHtml(language, highlight);
  return (
    <div className="diff" role="table" aria-label={`Diff of ${path}`}>
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
              <Code line={line} html={htmlOf(lineHtml, i, line)} terms={terms} />
            </span>
          </div>
        ))}
      </div>
    </div>
  );
});

/** The side-by-side layout: old on the left, new on the right, changed lines paired. */
export const SplitLines = memo(function SplitLines({ lines, path, language, highlight, terms = NO_TERMS }: Props) {
  const lineHtml = useLineHtml(language, highlight);
  const { rows, index } = useMemo(() => {
    const index = new Map<DiffLine, number>();
    lines.forEach((line, i) => index.set(line, i));
    return { rows: splitRows(lines), index };
  }, [lines]);
  const side = (line: DiffLine | null, which: "old" | "new") => {
    if (line === null) {
      return (
        <>
          <span className="diff-line__no diff-split__empty" role="cell" />
          <span className="diff-line__text diff-split__empty" role="cell" />
        </>
      );
    }
    const kind = line.kind === "context" ? "context" : line.kind;
    return (
      <>
        <span className={`diff-line__no diff-split--${kind}`} role="cell">
          {which === "old" ? line.oldNo : line.newNo}
        </span>
        <span className={`diff-line__text diff-split--${kind}`} role="cell" data-kind={kind}>
          <Code line={line} html={htmlOf(lineHtml, index.get(line) ?? -1, line)} terms={terms} />
        </span>
      </>
    );
  };
  return (
    <div className="diff diff--split" role="table" aria-label={`Side-by-side diff of ${path}`}>
      <div className="diff-split" role="rowgroup">
        {rows.map((row, i) =>
          row.kind === "full" ? (
            <div key={i} className={`diff-split__full diff-line--${row.line.kind}`} data-testid="diff-split-row" role="row">
              <span role="cell">{row.line.text}</span>
            </div>
          ) : (
            <div key={i} className="diff-split__row" data-testid="diff-split-row" role="row">
              {side(row.left, "old")}
              {side(row.right, "new")}
            </div>
          ),
        )}
      </div>
    </div>
  );
});
