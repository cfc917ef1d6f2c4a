interface NavItem {
  id: string;
  label: string;
  ready: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: "repositories", label: "Repositories", ready: true },
  { id: "history", label: "History", ready: true },
  { id: "analyses", label: "Analyses", ready: true },
  { id: "backups", label: "Backups", ready: true },
  { id: "settings", label: "Settings", ready: true },
];

export type PageId = "repositories" | "history" | "analyses" | "backups" | "settings";

function isPageId(id: string): id is PageId {
  return id === "repositories" || id === "history" || id === "analyses" || id === "backups" || id === "settings";
}

interface Props {
  active?: string;
  onNavigate?: (page: PageId) => void;
  /** Things that need the user's eye, per page (e.g. failed scheduled backups): a badge. */
  alerts?: Partial<Record<PageId, number>>;
}

/** Left navigation. Pages not built yet are visible but disabled. */
export function Sidebar({ active = "repositories", onNavigate, alerts = {} }: Props) {
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true">
          RV
        </span>
        <span className="brand__name">RepoVault</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav">
          {NAV_ITEMS.map((item) => {
            const current = item.id === active;
            const alert = isPageId(item.id) ? alerts[item.id] ?? 0 : 0;
            return (
              <li key={item.id}>
                <button
                  type="button"
                  className={`nav__item${current ? " nav__item--active" : ""}`}
                  data-testid={`nav-${item.id}`}
                  aria-current={current ? "page" : undefined}
                  disabled={!item.ready}
                  onClick={() => {
                    if (item.ready && isPageId(item.id)) onNavigate?.(item.id);
                  }}
                  title={item.ready ? undefined : `${item.label} is coming soon`}
                >
                  <span>{item.label}</span>
                  {alert > 0 && (
                    <span
                      className="nav__badge"
                      data-testid={`nav-${item.id}-badge`}
                      role="status"
                      aria-label={`${alert} ${alert === 1 ? "problem" : "problems"}`}
                      title={`${alert} failed scheduled ${alert === 1 ? "backup" : "backups"}`}
                    >
                      {alert}
                    </span>
                  )}
                  {!item.ready && <span className="nav__soon">coming soon</span>}
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
    </aside>
  );
}
