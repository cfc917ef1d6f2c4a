import type { Loadable } from "../App";
import type { Repository } from "../bindings/Repository";
import type { Importer } from "../useImport";
import { AddRepository } from "./AddRepository";
import { RepositoryTable } from "./RepositoryTable";

interface Props {
  repos: Loadable<Repository[]>;
  busy: boolean;
  onRefresh: () => void;
  importer: Importer;
  onOpenHistory: (repository: string) => void;
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

export function RepositoriesPage({ repos, busy, onRefresh, importer, onOpenHistory }: Props) {
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
      {/* Importing needs the store: without it the banner above says what to fix first. */}
      {repos.status !== "error" && <AddRepository importer={importer} />}
      <RepositoriesBody repos={repos} importer={importer} onOpenHistory={onOpenHistory} />
    </section>
  );
}

function RepositoriesBody({ repos, importer, onOpenHistory }: Omit<Props, "busy" | "onRefresh">) {
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
              Add one above with its folder, or import one with <code>repovault-cli import PATH</code> and press
              Refresh.
            </p>
          </div>
        );
      }
      return (
        <RepositoryTable
          repos={repos.data}
          importing={importer.running}
          onSync={(repo) => {
            if (repo.path !== null) void importer.start(repo.path, repo.name);
          }}
          onOpenHistory={(repo) => onOpenHistory(repo.name)}
        />
      );
  }
}
