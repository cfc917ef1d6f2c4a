import { QueryClient } from "@tanstack/react-query";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../errors";
import type { Loadable } from "../loadable";

/**
 * The app's query client. Commands talk to a local backend, so none of the web defaults fit:
 * - no retries: a failed command shows its error at once (a retry would only hide it);
 * - no refetch on window focus or reconnect: data reloads when a screen opens or after a change;
 * - gcTime 0: data a screen no longer shows is dropped, so opening it again loads afresh (as
 *   before), never showing old rows first.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false, gcTime: 0 },
      mutations: { retry: false },
    },
  });
}

/**
 * Keys of the data the app shell loads (several features read or refresh them). Each feature keeps
 * its own keys and `queryOptions` in its `queries.ts`, so an invalidation names exactly what a
 * list showed; `invalidateQueries()` with no key (a store swap) reaches all of them.
 */
export const queryKeys = {
  storeInfo: ["store_info"] as const,
  repositories: ["list_repositories"] as const,
};

/** A query as the screens' `Loadable` (loading / ok / error with `{code, message}`). */
export function toLoadable<T>(query: { status: "pending" | "success" | "error"; data: T | undefined; error: unknown }): Loadable<T> {
  if (query.status === "error") return { status: "error", error: normalizeError(query.error) };
  if (query.status === "success") return { status: "ok", data: query.data as T };
  return { status: "loading" };
}

/** A failed mutation's error as `{code, message}`, or null. */
export function mutationError(mutation: { error: unknown }): ErrorPayload | null {
  return mutation.error === null || mutation.error === undefined ? null : normalizeError(mutation.error);
}
