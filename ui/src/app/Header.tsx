import type { ReactNode } from "react";

import type { AppInfo } from "../shared/api";
import type { Loadable } from "../shared/loadable";
import { MirrorBadge } from "../features/mirror/MirrorBadge";

/**
 * Which store the window is connected to: backend, database location and data folder.
 * Paths sit in an inner <span> inside the clipping (ellipsis) element: WebKit's WebDriver reports
 * the text of an element with `overflow: hidden` on itself as invisible.
 */
export function Header({ info, children }: { info: Loadable<AppInfo>; children?: ReactNode }) {
  return (
    <header className="header">
      <dl className="store-facts">
        <div className="store-fact">
          <dt>Store</dt>
          <dd>
            {info.status === "ok" ? (
              <span className="badge" data-testid="store-backend" data-backend={info.data.store.backend}>
                {info.data.store.backend}
              </span>
            ) : (
              <span
                className={`badge ${info.status === "error" ? "badge--error" : "badge--muted"}`}
                data-testid="store-status"
              >
                {info.status === "error" ? "unavailable" : "connecting…"}
              </span>
            )}
          </dd>
        </div>
        <MirrorBadge />
        <div className="store-fact store-fact--grow">
          <dt>Location</dt>
          <dd className="path" data-testid="store-location" title={info.status === "ok" ? info.data.store.location : undefined}>
            <span>{info.status === "ok" ? info.data.store.location : "—"}</span>
          </dd>
        </div>
        <div className="store-fact store-fact--grow">
          <dt>Data folder</dt>
          <dd className="path" data-testid="data-dir" title={info.status === "ok" ? info.data.data_dir : undefined}>
            <span>{info.status === "ok" ? info.data.data_dir : "—"}</span>
          </dd>
        </div>
      </dl>
      {children}
    </header>
  );
}
