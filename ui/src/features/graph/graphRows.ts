/**
 * The commit graph beside the History list: lanes come from the store a page at a time (rows by
 * position, like the list), so showing a page never needs the whole graph here.
 */
import type { GraphRow } from "../../bindings/GraphRow";
import type { Filter } from "../../bindings/Filter";
import type { Sort } from "../history/historySort";

/** Graph rows per request. */
export const GRAPH_PAGE = 200;
/** Width of one lane (px). */
export const LANE_WIDTH = 12;
/** Lanes drawn at most; wider graphs are cut at the right edge (the title says how wide). */
export const MAX_LANES = 24;

/** The pages holding rows `first..last` (none while nothing is in view). */
export function graphPages(first: number, last: number): number[] {
  if (first < 0 || last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / GRAPH_PAGE); page <= Math.floor(last / GRAPH_PAGE); page++) pages.push(page);
  return pages;
}

/**
 * Why the graph cannot sit beside the list, or null when it can: its rows are every commit of one
 * repository (or of one branch) newest first, so it shows only for that list. Under a filter or
 * another order the graph is hidden (with this note) rather than drawn with gaps.
 */
export function graphUnavailable(repositoryId: number | null, filter: Filter | null, sort: Sort): string | null {
  if (repositoryId === null) return "The graph shows for one repository: choose one.";
  const empty = filter === null || ("and" in filter && filter.and.length === 0);
  if (!empty) return "The graph is hidden while a filter is applied: its lines join every commit of the branch, which a filtered list leaves out.";
  if (sort.by !== "date" || sort.order !== "desc") return "The graph shows in date order, newest first.";
  return null;
}

/** x of a lane's centre. */
export const laneX = (lane: number) => lane * LANE_WIDTH + LANE_WIDTH / 2;

/** SVG path data of one row: lines from the top into the commit, from the commit down, and through. */
export function rowPaths(row: GraphRow, height: number): { lane: number; d: string }[] {
  const mid = height / 2;
  const x = laneX(row.lane);
  const paths: { lane: number; d: string }[] = [];
  for (const lane of row.pass) paths.push({ lane, d: `M${laneX(lane)} 0V${height}` });
  for (const lane of row.top) paths.push({ lane, d: `M${laneX(lane)} 0C${laneX(lane)} ${mid / 2} ${x} ${mid / 2} ${x} ${mid}` });
  for (const lane of row.bottom) {
    paths.push({ lane, d: `M${x} ${mid}C${x} ${mid + mid / 2} ${laneX(lane)} ${mid + mid / 2} ${laneX(lane)} ${height}` });
  }
  return paths;
}
