import { useEffect, useState } from "react";

import { api, onEvent } from "../../shared/api";
import type { Loadable } from "../../shared/loadable";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../../shared/errors";
import { removedText, removeMessage } from "./removeRepository";
import type { Repository } from "../../bindings/Repository";
import type { Importer } from "./useImport";
import { AddRepository } from "./AddRepository";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { RepositoryTable } from "./RepositoryTable";

interface Props {
  repos: Loadable<Repository[]>;
  busy: boolean;
  onRefresh: () => void;
  importer: Importer;
  onOpenHistory: (repository: string) => void;
  /** A repository was removed (the caller refreshes the lists). */
  onRemoved: (repository: string) => void;
}

type Removal =
  | { status: "idle" }
  | { status: "confirm"; repo: Repository }
  | { status: "running"; repo: Repository }
  | { status: "done"; name: string; count: number }
  | { status: "failed"; name: string; error: ErrorPayload };

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

export function RepositoriesPage({ repos, busy, onRefresh, importer, onOpenHistory, onRemoved }: Props) {
  const [removal, setRemoval] = useState<Removal>({ status: "idle" });
  const [switching, setSwitching] = useState<string | null>(null);
  const [intervalError, setIntervalError] = useState<{ name: string; error: ErrorPayload } | null>(null);
  const [switchError, setSwitchError] = useState<{ name: string; error: ReturnType<typeof normalizeError> } | null>(
    null,
  );

  // A background sync changed a repository's history or its last sync result: show it.
  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let gone = false;
    void onEvent("repository-synced", () => onRefresh()).then((stop) => {
      if (gone) stop();
      else unlisten = stop;
    });
    return () => {
      gone = true;
      unlisten?.();
    };
  }, [onRefresh]);

  async function keepInSync(repo: Repository, seconds: number | null) {
    setIntervalError(null);
    try {
      await api.setKeepInSync(repo.name, seconds);
      onRefresh();
    } catch (error) {
      setIntervalError({ name: repo.name, error: normalizeError(error) });
    }
  }

  async function toggleChangeIndex(repo: Repository, enabled: boolean) {
    setSwitching(repo.name);
    setSwitchError(null);
    try {
      await api.setChangeIndex(repo.name, enabled);
      onRefresh();
    } catch (error) {
      setSwitchError({ name: repo.name, error: normalizeError(error) });
    } finally {
      setSwitching(null);
    }
  }

  async function remove(repo: Repository) {
    setRemoval({ status: "running", repo });
    try {
      const count = await api.removeRepository(repo.name);
      setRemoval({ status: "done", name: repo.name, count });
      onRemoved(repo.name);
    } catch (error) {
      setRemoval({ status: "failed", name: repo.name, error: normalizeError(error) });
    }
  }

  const asking = removal.status === "confirm" || removal.status === "running" ? removal.repo : null;
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
      {removal.status === "done" && (
        <div className="banners">
          <div className="notice" role="status" data-testid="remove-result">
            <span>{removedText(removal.name, removal.count)}</span>
            <button type="button" className="button button--small" onClick={() => setRemoval({ status: "idle" })}>
              Dismiss
            </button>
          </div>
        </div>
      )}
      {removal.status === "failed" && (
        <div className="banners import-failed" data-testid="remove-error">
          <ErrorBanner error={removal.error} title={`Could not remove ${removal.name}`} />
          <button type="button" className="button button--small" onClick={() => setRemoval({ status: "idle" })}>
            Dismiss
          </button>
        </div>
      )}
      {intervalError !== null && (
        <div className="banners import-failed" data-testid="keep-in-sync-error">
          <ErrorBanner error={intervalError.error} title={`Could not change how ${intervalError.name} is kept in sync`} />
          <button type="button" className="button button--small" onClick={() => setIntervalError(null)}>
            Dismiss
          </button>
        </div>
      )}
      {switchError !== null && (
        <div className="banners import-failed" data-testid="change-index-error">
          <ErrorBanner error={switchError.error} title={`Could not change what is indexed for ${switchError.name}`} />
          <button type="button" className="button button--small" onClick={() => setSwitchError(null)}>
            Dismiss
          </button>
        </div>
      )}
      <RepositoriesBody
        repos={repos}
        importer={importer}
        onOpenHistory={onOpenHistory}
        onRemove={(repo) => setRemoval({ status: "confirm", repo })}
        onToggleChangeIndex={(repo, enabled) => void toggleChangeIndex(repo, enabled)}
        onKeepInSync={(repo, seconds) => void keepInSync(repo, seconds)}
        switching={switching}
      />
      {asking !== null && (
        <ConfirmDialog
          title={`Remove ${asking.name}?`}
          message={removeMessage(asking.name, asking.commit_count, asking.path !== null)}
          confirmLabel={removal.status === "running" ? "Removing…" : "Remove"}
          busy={removal.status === "running"}
          onConfirm={() => void remove(asking)}
          onCancel={() => setRemoval({ status: "idle" })}
        />
      )}
    </section>
  );
}

function RepositoriesBody({
  repos,
  importer,
  onOpenHistory,
  onRemove,
  onToggleChangeIndex,
  onKeepInSync,
  switching,
}: Pick<Props, "repos" | "importer" | "onOpenHistory"> & {
  onRemove: (repo: Repository) => void;
  onToggleChangeIndex: (repo: Repository, enabled: boolean) => void;
  onKeepInSync: (repo: Repository, seconds: number | null) => void;
  switching: string | null;
}) {
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
              Add one above with its folder or URL, or import one with <code>repovault-cli import PATH</code> and press
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
          onRemove={onRemove}
          onToggleChangeIndex={onToggleChangeIndex}
          onKeepInSync={onKeepInSync}
          switching={switching}
        />
      );
  }
}
