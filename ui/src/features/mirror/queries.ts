import { queryOptions } from "@tanstack/react-query";

import { api } from "../../shared/api";

export const mirrorKeys = {
  status: ["mirror", "get_mirror_status"] as const,
  fallback: ["mirror", "get_mirror_fallback"] as const,
};

/** The mirror's health, polled: the drainer works in the background. */
export const mirrorStatusQuery = () =>
  queryOptions({ queryKey: mirrorKeys.status, queryFn: api.getMirrorStatus, refetchInterval: 3000, retry: false });

/** Whether the window may offer the mirror in place of the primary. */
export const mirrorFallbackQuery = () => queryOptions({ queryKey: mirrorKeys.fallback, queryFn: api.getMirrorFallback, retry: false });
