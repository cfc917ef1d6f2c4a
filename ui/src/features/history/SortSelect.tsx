import { useId } from "react";

import { naturalOrder, SORT_OPTIONS, type Sort, type SortBy } from "./historySort";

interface Props {
  /** The order the list uses now. */
  value: Sort;
  /** The filter has a full-text condition: "Relevance" can be chosen. */
  fullText: boolean;
  onChange: (sort: Sort) => void;
}

/** The History list's order: a key (relevance only with full-text words) and its direction. */
export function SortSelect({ value, fullText, onChange }: Props) {
  const id = useId();
  const descending = value.order === "desc";
  return (
    <span className="sort-select">
      <label className="visually-hidden" htmlFor={`${id}-by`}>
        Sort by
      </label>
      <select
        id={`${id}-by`}
        className="input select"
        data-testid="history-sort"
        value={value.by}
        title="Order of the list"
        onChange={(e) => {
          const by = e.target.value as SortBy;
          onChange({ by, order: naturalOrder(by) });
        }}
      >
        {SORT_OPTIONS.map((option) => (
          <option
            key={option.id}
            value={option.id}
            disabled={option.id === "relevance" && !fullText}
            title={option.id === "relevance" && !fullText ? "Search for words (full text) to sort by relevance" : undefined}
          >
            {option.id === "relevance" && !fullText ? "Relevance (needs words to search)" : option.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button"
        data-testid="history-sort-order"
        data-order={value.order}
        aria-label={descending ? "Descending; switch to ascending" : "Ascending; switch to descending"}
        title={descending ? "Descending (click for ascending)" : "Ascending (click for descending)"}
        onClick={() => onChange({ ...value, order: descending ? "asc" : "desc" })}
      >
        {descending ? "↓" : "↑"}
      </button>
    </span>
  );
}
