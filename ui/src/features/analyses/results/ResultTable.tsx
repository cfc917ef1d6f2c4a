import type { ReactNode } from "react";

export interface Column<T> {
  label: string;
  /** Right-aligned numbers. */
  num?: boolean;
  value: (row: T) => ReactNode;
  /** A test id on each cell of the column (for the end-to-end tests). */
  testId?: string;
}

interface Props<T> {
  caption: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  testId: string;
  /** What an empty table says (what to do about it). */
  empty: string;
}

/** One table of a result: a header row, one row per item, or a sentence when there are none. */
export function ResultTable<T>({ caption, rows, columns, rowKey, testId, empty }: Props<T>) {
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        {empty}
      </p>
    );
  }
  return (
    <div className="table-wrap analysis-table">
      <table className="table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.num === true ? "num" : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} data-testid={`${testId}-row`}>
              {columns.map((column) => (
                <td key={column.label} className={column.num === true ? "num" : undefined} data-testid={column.testId}>
                  {column.value(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
