import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { api, type AppInfo } from "../../shared/api";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { normalizeError } from "../../shared/errors";
import { mirrorFallbackQuery, mirrorKeys } from "./queries";

/** When the primary cannot be opened and a team mirror is known: offer to open it read-only. */
export function MirrorFallback({ onOpened }: { onOpened: (info: AppInfo) => void }) {
  const queryClient = useQueryClient();
  const fallback = useQuery(mirrorFallbackQuery());
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  if (!fallback.data?.available || fallback.data.active) return null;

  async function open() {
    setOpening(true);
    setError(null);
    try {
      const info = await api.openMirrorFallback();
      await queryClient.invalidateQueries({ queryKey: mirrorKeys.fallback });
      onOpened(info);
    } catch (e) {
      setError(normalizeError(e));
    } finally {
      setOpening(false);
    }
  }

  return (
    <div className="banner" data-testid="mirror-fallback" role="region" aria-label="Team mirror">
      <p>
        The local store cannot be opened. The team mirror <code>{fallback.data.url}</code> can be opened read-only: browsing,
        search and export work; nothing can be changed.
      </p>
      <button type="button" className="button button--primary" data-testid="mirror-fallback-open" aria-disabled={opening} onClick={() => !opening && void open()}>
        {opening ? "Opening…" : "Open the mirror read-only"}
      </button>
      {error !== null && <ErrorBanner error={error} title="Could not open the mirror" />}
    </div>
  );
}
