import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "../../shared/api";
import type { Filter } from "../../bindings/Filter";

/** History's query keys: a repository's refs and the saved queries. */
export const historyKeys = {
  refs: (repositoryId: number) => ["history", "list_refs", repositoryId] as const,
  savedQueries: ["history", "list_saved_queries"] as const,
};

/** A repository's branches and tags (`list_refs`). */
export const refsQuery = (repositoryId: number) =>
  queryOptions({ queryKey: historyKeys.refs(repositoryId), queryFn: () => api.listRefs(repositoryId) });

/** The saved queries (`list_saved_queries`). */
export const savedQueriesQuery = () => queryOptions({ queryKey: historyKeys.savedQueries, queryFn: api.listSavedQueries });

/** A change to the saved queries. */
export type SavedQueryChange =
  | { kind: "save"; name: string; filter: Filter }
  | { kind: "rename"; name: string; newName: string }
  | { kind: "delete"; name: string };

/** Saves, renames or deletes a saved query, then refetches the list (`mutateAsync` resolves once it is back). */
export function useSavedQueryMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: SavedQueryChange): Promise<unknown> => {
      switch (change.kind) {
        case "save":
          return api.saveQuery(change.name, change.filter);
        case "rename":
          return api.renameSavedQuery(change.name, change.newName);
        case "delete":
          return api.deleteSavedQuery(change.name);
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.savedQueries }),
  });
}
