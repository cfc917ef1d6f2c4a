import type { ReactNode } from "react";

interface Props {
  title: string;
  /** The result's table this section shows, for Export; none: nothing to export here. */
  table?: string;
  onExport?: (table: string) => void;
  /** Figures beside the title ("42 of 310 files"). */
  note?: string;
  testId?: string;
  children: ReactNode;
}

/** A titled part of a result, with Export… for the table it shows. */
export function ResultSection({ title, table, onExport, note, testId, children }: Props) {
  return (
    <section className="card analysis-section" data-testid={testId}>
      <div className="analysis-section__head">
        <h3 className="card__title">{title}</h3>
        {note !== undefined && <span className="muted">{note}</span>}
        <span className="spacer" />
        {table !== undefined && onExport !== undefined && (
          <button
            type="button"
            className="button button--small"
            data-testid={`export-${table}`}
            title={`Export ${title.toLowerCase()} to CSV, JSON or NDJSON`}
            onClick={() => onExport(table)}
          >
            Export…
          </button>
        )}
      </div>
      {children}
    </section>
  );
}
