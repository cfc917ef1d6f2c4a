import { useId, type FormEvent } from "react";

import { changeField, kindOf, newRow, type Builder, type Combinator, type Row } from "./filterBuilder";
import { FIELDS, OPS, opLabel, valuePlaceholder, type Op } from "./filterFields";

interface Props {
  /** Null when the applied filter is nested deeper than rows can show. */
  builder: Builder | null;
  rowErrors: Map<number, string>;
  /** Why the search box cannot show this filter, when it cannot. */
  textNote: string | null;
  /** The builder says something other than what the list shows. */
  dirty: boolean;
  onChange: (builder: Builder) => void;
  onApply: () => void;
  onClear: () => void;
}

/**
 * Rows of field / operator / value, each negatable, joined by "all" (and) or "any" (or). The same
 * filter as the search box: edits rewrite the box, typing in the box rewrites the rows.
 */
export function FilterBuilder({ builder, rowErrors, textNote, dirty, onChange, onApply, onClear }: Props) {
  const id = useId();
  if (builder === null) {
    return (
      <div className="filter-builder" data-testid="filter-builder">
        <p className="muted filter-builder__note" data-testid="filter-nested">
          This filter has nested groups, which the builder cannot show as rows. It is applied as it is.
        </p>
        <div className="filter-builder__actions">
          <button type="button" className="button button--small" data-testid="filter-start-over" onClick={() => onChange({ combinator: "and", rows: [newRow()] })}>
            Start a new filter
          </button>
        </div>
      </div>
    );
  }

  const update = (rowId: number, change: (row: Row) => Row) =>
    onChange({ ...builder, rows: builder.rows.map((row) => (row.id === rowId ? change(row) : row)) });
  const setCombinator = (combinator: Combinator) => onChange({ ...builder, combinator });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };

  return (
    <form className="filter-builder" data-testid="filter-builder" onSubmit={submit} aria-label="Filter builder">
      <div className="filter-builder__head">
        <span id={`${id}-match`}>Commits matching</span>
        <div className="segmented segmented--small" role="radiogroup" aria-labelledby={`${id}-match`}>
          {(["and", "or"] as const).map((c) => (
            <label key={c} className="segmented__option">
              <input
                type="radio"
                name={`${id}-combinator`}
                value={c}
                data-testid={`filter-combinator-${c}`}
                checked={builder.combinator === c}
                onChange={() => setCombinator(c)}
              />
              {c === "and" ? "all" : "any"}
            </label>
          ))}
        </div>
        <span>of these conditions</span>
      </div>
      {builder.rows.length === 0 ? (
        <p className="muted filter-builder__note" data-testid="filter-empty">
          No conditions: every commit is listed. Add a condition, or type a search above.
        </p>
      ) : (
        <ul className="filter-rows">
          {builder.rows.map((row) => (
            <FilterRow
              key={row.id}
              row={row}
              error={rowErrors.get(row.id) ?? null}
              onChange={(change) => update(row.id, change)}
              onRemove={() => onChange({ ...builder, rows: builder.rows.filter((r) => r.id !== row.id) })}
            />
          ))}
        </ul>
      )}
      {textNote !== null && (
        <p className="filter-builder__note filter-builder__note--warn" data-testid="filter-text-note" role="status">
          The search box cannot show {textNote}. It stays empty; Apply runs the filter from here.
        </p>
      )}
      <div className="filter-builder__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="filter-add"
          onClick={() => onChange({ ...builder, rows: [...builder.rows, newRow()] })}
        >
          Add condition
        </button>
        <span className="spacer" />
        <button type="button" className="button button--small" data-testid="filter-clear" onClick={onClear}>
          Clear
        </button>
        <button
          type="submit"
          className="button button--small button--primary"
          data-testid="filter-apply"
          aria-disabled={rowErrors.size > 0}
          title={rowErrors.size > 0 ? "Fix the conditions marked in red first" : dirty ? "List the commits this filter matches" : "The list shows this filter"}
        >
          Apply
        </button>
      </div>
    </form>
  );
}

interface RowProps {
  row: Row;
  error: string | null;
  onChange: (change: (row: Row) => Row) => void;
  onRemove: () => void;
}

function FilterRow({ row, error, onChange, onRemove }: RowProps) {
  const id = useId();
  const kind = kindOf(row.field);
  const ops = OPS[kind];
  return (
    <li className={`filter-row${error !== null ? " filter-row--invalid" : ""}`} data-testid="filter-row">
      <label className="filter-row__not" title="Commits that do NOT match this condition">
        <input
          type="checkbox"
          data-testid="filter-row-negate"
          checked={row.negate}
          onChange={(e) => {
            const negate = e.target.checked;
            onChange((r) => ({ ...r, negate }));
          }}
        />
        not
      </label>
      <label className="visually-hidden" htmlFor={`${id}-field`}>
        Field
      </label>
      <select
        id={`${id}-field`}
        className="input select"
        data-testid="filter-row-field"
        value={row.field}
        onChange={(e) => {
          const field = e.target.value;
          onChange((r) => changeField(r, field));
        }}
      >
        {FIELDS.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
        {FIELDS.every((f) => f.id !== row.field) && <option value={row.field}>{row.field}</option>}
      </select>
      <label className="visually-hidden" htmlFor={`${id}-op`}>
        Operator
      </label>
      <select
        id={`${id}-op`}
        className="input select"
        data-testid="filter-row-op"
        value={row.op}
        onChange={(e) => {
          const op = e.target.value as Op;
          onChange((r) => ({ ...r, op }));
        }}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {opLabel(kind, op)}
          </option>
        ))}
        {!ops.includes(row.op) && <option value={row.op}>{row.op}</option>}
      </select>
      <label className="visually-hidden" htmlFor={`${id}-value`}>
        Value
      </label>
      {kind === "bool" && row.op !== "in" && row.op !== "not_in" ? (
        <select
          id={`${id}-value`}
          className="input select"
          data-testid="filter-row-value"
          value={row.value}
          onChange={(e) => {
            const value = e.target.value;
            onChange((r) => ({ ...r, value }));
          }}
        >
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      ) : (
        <input
          id={`${id}-value`}
          className="input input--mono filter-row__value"
          data-testid="filter-row-value"
          value={row.value}
          inputMode={kind === "int" && row.op !== "in" && row.op !== "not_in" ? "numeric" : undefined}
          placeholder={valuePlaceholder(kind, row.op)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? `${id}-error` : undefined}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            const value = e.target.value;
            onChange((r) => ({ ...r, value }));
          }}
        />
      )}
      <button type="button" className="button button--small" data-testid="filter-row-remove" title="Remove this condition" onClick={onRemove}>
        Remove
      </button>
      {error !== null && (
        <p id={`${id}-error`} className="filter-row__error" data-testid="filter-row-error">
          {error}
        </p>
      )}
    </li>
  );
}
