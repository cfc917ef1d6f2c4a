import type { Loadable } from "../App";
import type { Repository } from "../bindings/Repository";
import { RepositoryTable } from "./RepositoryTable";

interface Props {
  repos: Loadable<Repository[]>;
  busy: boolean;
  onRefresh: () => void;
}

function summary(repos: Loadable<Repository[]>): string {
  switch (repos.status) {
    case "loading":
      return "Loading…";
    case "error":
      return "Unavailable";
    case "ok":
      return repos.data.length === 1 ? "1 repository" : `${repos.data.length} repositories`;
  }
}

export function RepositoriesPage({ repos, busy, onRefresh }: Props) {
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page__head">
        <div>
          <h1 id="page-title">Repositories</h1>
          <p className="page__summary" data-testid="repo-summary">
            {summary(repos)}
          </p>
        </div>
        <button
          type="button"
          className="button"
          data-testid="refresh"
          // aria-disabled rather than disabled: a disabled button drops keyboard focus.
          onClick={() => {
            if (!busy) onRefresh();
          }}
          aria-disabled={busy}
          aria-busy={busy}
        >
          {busy ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <RepositoriesBody repos={repos} />
    </section>
  );
}

function RepositoriesBody({ repos }: { repos: Loadable<Repository[]> }) {
  switch (repos.status) {
    case "loading":
      return (
        <p className="placeholder" data-testid="loading">
          Loading repositories…
        </p>
      );
    case "error":
      return (
        <p className="placeholder" data-testid="repos-unavailable">
          The repository list cannot be shown until the problem above is fixed. Check the data
          folder and <code>DATABASE_URL</code>, then press Refresh.
        </p>
      );
    case "ok":
      if (repos.data.length === 0) {
        return (
          <div className="empty" data-testid="empty-state">
            <p className="empty__title">No repositories yet.</p>
            <p>
              Import one with <code>repovault-cli import PATH</code>, then press Refresh.
            </p>
          </div>
        );
      }
      return <RepositoryTable repos={repos.data} />;
  }
}
