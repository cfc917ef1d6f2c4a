import { useQuery } from "@tanstack/react-query";
import type React from "react";

import { mirrorBadge } from "./mirrorRules";
import { mirrorFallbackQuery, mirrorStatusQuery } from "./queries";

/** The header's mirror health: healthy / N pending / breaker open until HH:MM (last error as
 * tooltip), or "read-only mirror" when the window shows the mirror in place of the primary. */
export function MirrorBadge() {
  const fallback = useQuery(mirrorFallbackQuery());
  const status = useQuery(mirrorStatusQuery());
  if (fallback.data?.active) {
    return (
      <Fact>
        <span className="badge badge--warn" data-testid="mirror-badge" data-health="fallback" title={fallback.data.url ?? undefined}>
          read-only mirror
        </span>
      </Fact>
    );
  }
  const badge = status.data ? mirrorBadge(status.data) : null;
  if (badge === null || !status.data) return null;
  const tone = badge.tone === "ok" ? "" : badge.tone === "pending" ? " badge--muted" : " badge--error";
  return (
    <Fact>
      <span className={`badge${tone}`} data-testid="mirror-badge" data-health={status.data.health} title={badge.title}>
        {badge.label}
      </span>
    </Fact>
  );
}

function Fact({ children }: { children: React.ReactNode }) {
  return (
    <div className="store-fact">
      <dt>Mirror</dt>
      <dd>{children}</dd>
    </div>
  );
}
