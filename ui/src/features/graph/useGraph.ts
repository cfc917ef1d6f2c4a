import { useQueries } from "@tanstack/react-query";

import type { GraphRow } from "../../bindings/GraphRow";
import { api } from "../../shared/api";
import { GRAPH_PAGE, graphPages } from "./graphRows";

export interface Graph {
  /** Columns of the widest row (0 until the first page came). */
  width: number;
  rowAt: (index: number) => GraphRow | undefined;
}

/** The graph pages for the rows in view, from the store (`get_graph_page`); null when off. */
export function useGraph(repositoryId: number | null, branch: string | null, first: number, last: number, enabled: boolean): Graph | null {
  const pages = enabled && repositoryId !== null ? graphPages(Math.max(0, first), Math.max(first, last, 0)) : [];
  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: ["graph", repositoryId, branch, page] as const,
      queryFn: () => api.getGraphPage(repositoryId!, branch, page * GRAPH_PAGE, GRAPH_PAGE),
      staleTime: 30_000,
    })),
  });
  if (!enabled || repositoryId === null) return null;
  const byPage = new Map<number, readonly GraphRow[]>();
  let width = 0;
  results.forEach((r, i) => {
    if (r.data !== undefined) {
      byPage.set(pages[i]!, r.data.rows);
      width = Math.max(width, r.data.width);
    }
  });
  return {
    width,
    rowAt: (index) => byPage.get(Math.floor(index / GRAPH_PAGE))?.[index % GRAPH_PAGE],
  };
}
