interface NavItem {
  id: string;
  label: string;
  ready: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: "repositories", label: "Repositories", ready: true },
  { id: "history", label: "History", ready: false },
  { id: "analyses", label: "Analyses", ready: false },
  { id: "backups", label: "Backups", ready: false },
  { id: "settings", label: "Settings", ready: false },
];

/** Left navigation. Only Repositories exists yet; the rest are visible but disabled. */
export function Sidebar({ active = "repositories" }: { active?: string }) {
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
