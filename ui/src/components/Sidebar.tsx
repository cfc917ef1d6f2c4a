interface NavItem {
  id: string;
  label: string;
  ready: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: "repositories", label: "Repositories", ready: true },
  { id: "history", label: "History", ready: true },
  { id: "analyses", label: "Analyses", ready: false },
  { id: "backups", label: "Backups", ready: false },
  { id: "settings", label: "Settings", ready: true },
];

export type PageId = "repositories" | "history" | "settings";

function isPageId(id: string): id is PageId {
  return id === "repositories" || id === "history" || id === "settings";
}

interface Props {
  active?: string;
  onNavigate?: (page: PageId) => void;
}

/** Left navigation. Repositories, History and Settings exist; the rest are visible but disabled. */
export function Sidebar({ active = "repositories", onNavigate }: Props) {
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
