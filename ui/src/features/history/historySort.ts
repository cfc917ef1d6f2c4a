/**
 * The History list's order: which `sort_by` / `sort_order` a page is asked for, and when
 * "relevance" makes sense (only with a full-text condition that must match, as the backend says).
 */
import type { Filter } from "../../bindings/Filter";
import type { QueryOptions } from "../../bindings/QueryOptions";

export type SortBy = "date" | "author_date" | "additions" | "deletions" | "files_changed" | "author" | "hash" | "relevance";
export type SortOrder = "desc" | "asc";

export interface Sort {
  by: SortBy;
  order: SortOrder;
}

/** The backend's default: newest commit first. */
export const DEFAULT_SORT: Sort = { by: "date", order: "desc" };

export const SORT_OPTIONS: readonly { id: SortBy; label: string }[] = [
  { id: "date", label: "Date" },
  { id: "author_date", label: "Author date" },
  { id: "relevance", label: "Relevance" },
  { id: "additions", label: "Lines added" },
  { id: "deletions", label: "Lines removed" },
  { id: "files_changed", label: "Files changed" },
  { id: "author", label: "Author" },
  { id: "hash", label: "Hash" },
];

/** The order that reads naturally for a key: the best match, the newest, the largest first; names A→Z. */
export function naturalOrder(by: SortBy): SortOrder {
  return by === "author" || by === "hash" ? "asc" : "desc";
}

/**
 * Whether the filter has a full-text condition (field `text`) that must match: one not under an
 * odd number of `not`s. Only then can the backend rank by relevance.
 */
export function hasFullText(filter: Filter | null | undefined, negated = false): boolean {
  if (filter === null || filter === undefined) return false;
  if ("and" in filter) return filter.and.some((f) => hasFullText(f, negated));
  if ("or" in filter) return filter.or.some((f) => hasFullText(f, negated));
  if ("not" in filter) return hasFullText(filter.not, !negated);
  return filter.field === "text" && !negated;
}

/** The sort the list uses: relevance falls back to the default when the filter has no full text. */
export function effectiveSort(sort: Sort, filter: Filter | null): Sort {
  return sort.by === "relevance" && !hasFullText(filter) ? DEFAULT_SORT : sort;
}

/** The query options for a sort (none for the default, so requests stay as they were). */
export function sortOptions(sort: Sort): Pick<QueryOptions, "sort_by" | "sort_order"> {
  if (sort.by === DEFAULT_SORT.by && sort.order === DEFAULT_SORT.order) return {};
  return { sort_by: sort.by, sort_order: sort.order };
}
