import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api } from "../../shared/api";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { Repository } from "../../bindings/Repository";
import type { WorkspaceDeletion } from "../../bindings/WorkspaceDeletion";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { normalizeError } from "../../shared/errors";
import { workspacesQuery } from "./queries";
import { deletionMessage } from "./workspaceRules";

interface Props {
  /** Every repository the connection sees (not only the chosen workspace's): any may move. */
  repositories: Repository[];
  /** Something changed: the caller refetches workspaces and repositories. */
  onChanged: (deleted?: string) => void;
}

/** Workspaces on the Repositories page: create, rename, delete (after saying what goes), move a repository. */
export function WorkspacesPanel({ repositories, onChanged }: Props) {
  const workspaces = useQuery(workspacesQuery);
  const [newName, setNewName] = useState("");
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [deleting, setDeleting] = useState<{ preview: WorkspaceDeletion; busy: boolean } | null>(null);
  const [move, setMove] = useState({ repository: "", workspace: "" });
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (workspaces.status !== "success") return null;
  const names = workspaces.data.map((w) => w.name);

  async function run(action: () => Promise<string>, deleted?: string) {
    setError(null);
    setDone(null);
    try {
      setDone(await action());
      onChanged(deleted);
    } catch (e) {
      setError(normalizeError(e));
    }
  }

  return (
    <section className="workspaces" aria-labelledby="workspaces-title" data-testid="workspaces-panel">
      <h2 id="workspaces-title">Workspaces</h2>
      {error !== null && <ErrorBanner error={error} />}
      {done !== null && (
        <p className="workspaces__done" role="status" data-testid="workspace-done">
          {done}
        </p>
      )}
      <table className="workspaces__table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Repositories</th>
            <th>Commits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {workspaces.data.map((w) => (
            <tr key={w.id} data-testid="workspace-row" data-workspace={w.name}>
              <td>
                {renaming?.from === w.name ? (
                  <input
                    aria-label={`New name for ${w.name}`}
                    data-testid="workspace-rename-input"
                    value={renaming.to}
                    onChange={(e) => setRenaming({ from: w.name, to: e.target.value })}
                  />
                ) : (
                  w.name
                )}
              </td>
              <td>{w.repository_count}</td>
              <td>{w.commit_count.toLocaleString("en-US")}</td>
              <td className="workspaces__actions">
                {w.name === "default" ? null : renaming?.from === w.name ? (
                  <>
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="workspace-rename-save"
                      onClick={() => {
                        const to = renaming.to.trim();
                        setRenaming(null);
                        void run(async () => `Renamed ${w.name} to ${(await api.renameWorkspace(w.name, to)).name}.`);
                      }}
                    >
                      Save
                    </button>
                    <button type="button" className="button button--small" onClick={() => setRenaming(null)}>
                      Cancel
                    </button>
                  </>
                ) : (
                  <>
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="workspace-rename"
                      onClick={() => setRenaming({ from: w.name, to: w.name })}
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      className="button button--small button--danger"
                      data-testid="workspace-delete"
                      onClick={() => {
                        setError(null);
                        api.previewWorkspaceDeletion(w.name).then(
                          (preview) => setDeleting({ preview, busy: false }),
                          (e: unknown) => setError(normalizeError(e)),
                        );
                      }}
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="workspaces__form"
        onSubmit={(e) => {
          e.preventDefault();
          const name = newName.trim();
          if (name === "") return;
          setNewName("");
          void run(async () => `Created workspace ${(await api.createWorkspace(name)).name}.`);
        }}
      >
        <input
          aria-label="New workspace name"
          placeholder="New workspace"
          data-testid="workspace-new-name"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
        />
        <button type="submit" className="button button--small" data-testid="workspace-create">
          Create
        </button>
      </form>
      {repositories.length > 0 && names.length > 1 && (
        <form
          className="workspaces__form"
          onSubmit={(e) => {
            e.preventDefault();
            const repository = move.repository || repositories[0]?.name;
            const workspace = move.workspace || names[0];
            if (repository === undefined || workspace === undefined) return;
            void run(async () => {
              const moved = await api.moveRepository(repository, workspace);
              return `Moved ${moved.name} to ${moved.workspace}.`;
            });
          }}
        >
          <select
            aria-label="Repository to move"
            data-testid="move-repository"
            value={move.repository}
            onChange={(e) => setMove({ ...move, repository: e.target.value })}
          >
            {repositories.map((r) => (
              <option key={r.id} value={r.name}>
                {r.name} ({r.workspace})
              </option>
            ))}
          </select>
          <span>to</span>
          <select
            aria-label="Workspace to move it to"
            data-testid="move-target"
            value={move.workspace}
            onChange={(e) => setMove({ ...move, workspace: e.target.value })}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button type="submit" className="button button--small" data-testid="move-submit">
            Move
          </button>
        </form>
      )}
      {deleting !== null && (
        <ConfirmDialog
          title={`Delete workspace ${deleting.preview.workspace}?`}
          message={deletionMessage(deleting.preview)}
          confirmLabel="Delete workspace"
          busy={deleting.busy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const name = deleting.preview.workspace;
            setDeleting({ ...deleting, busy: true });
            void run(async () => {
              const gone = await api.deleteWorkspace(name);
              setDeleting(null);
              return `Deleted ${gone.workspace}: ${gone.repositories.length} repositories, ${gone.commits} commits.`;
            }, name).finally(() => setDeleting(null));
          }}
        />
      )}
    </section>
  );
}
