import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";

import type { Loadable } from "../../shared/loadable";
import type { Filter } from "../../bindings/Filter";
import type { SavedQuery } from "../../bindings/SavedQuery";
import { mutationError, toLoadable } from "../../shared/query/queryClient";
import { savedQueriesQuery, useSavedQueryMutation, type SavedQueryChange } from "./queries";
import { filterToSearchText } from "./searchText";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  /** The filter the list shows (what "Save" keeps); null when there is nothing to save. */
  current: Filter | null;
  onApply: (filter: Filter) => void;
}

/** How a saved filter reads: its search-box text, or a note that it has none. */
function describe(filter: Filter): string {
  const text = filterToSearchText(filter);
  return text.ok ? (text.text === "" ? "(every commit)" : text.text) : `(built filter with ${text.reason})`;
}

/** Saved queries: save the list's filter under a name; apply, rename or delete one. */
export function SavedQueries({ current, onApply }: Props) {
  const id = useId();
  const saved: Loadable<SavedQuery[]> = toLoadable(useQuery(savedQueriesQuery()));
  // Save, rename and delete: the list is fetched again after each one that succeeds.
  const change = useSavedQueryMutation();
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const busy = change.isPending;
  const error = mutationError(change);

  /** Runs one change (its failure shows in the banner); resolves to whether it succeeded. */
  function run(what: SavedQueryChange): Promise<boolean> {
    return change.mutateAsync(what).then(
      () => true,
      () => false,
    );
  }

  const list = saved.status === "ok" ? saved.data : [];
  const trimmed = name.trim();
  const replaces = list.some((q) => q.name === trimmed);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (current === null || trimmed === "" || busy) return;
    if (await run({ kind: "save", name: trimmed, filter: current })) setName("");
  }

  async function rename(event: FormEvent) {
    event.preventDefault();
    if (renaming === null || busy) return;
    const to = renaming.to.trim();
    if (to === "" || to === renaming.from) {
      setRenaming(null);
      return;
    }
    if (await run({ kind: "rename", name: renaming.from, newName: to })) setRenaming(null);
  }

  return (
    <section className="saved-queries" data-testid="saved-queries" aria-label="Saved queries">
      <form className="saved-queries__save" onSubmit={(e) => void save(e)}>
        <label className="visually-hidden" htmlFor={`${id}-name`}>
          Name for the current filter
        </label>
        <input
          id={`${id}-name`}
          className="input"
          data-testid="saved-name"
          value={name}
          placeholder="Name for the current filter"
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
        />
        <button
          type="submit"
          className="button button--small"
          data-testid="saved-save"
          aria-disabled={current === null || trimmed === "" || busy}
          title={current === null ? "Search or build a filter first: there is nothing to save" : trimmed === "" ? "Give the filter a name" : "Save the filter the list shows"}
        >
          {replaces ? "Replace" : "Save"}
        </button>
        {replaces && current !== null && (
          <span className="muted saved-queries__hint" data-testid="saved-replaces">
            Replaces the saved query “{trimmed}”.
          </span>
        )}
      </form>
      {error !== null && <ErrorBanner error={error} title="The saved queries could not be changed" />}
      {saved.status === "error" && <ErrorBanner error={saved.error} title="Could not load the saved queries" />}
      {saved.status === "loading" && <p className="muted">Loading saved queries…</p>}
      {saved.status === "ok" && list.length === 0 && (
        <p className="muted" data-testid="saved-empty">
          No saved queries yet. Search or build a filter, then save it here under a name.
        </p>
      )}
      {list.length > 0 && (
        <ul className="saved-queries__list">
          {list.map((query) => (
            <li key={query.id} className="saved-query" data-testid="saved-item" data-name={query.name}>
              {renaming?.from === query.name ? (
                <form className="saved-query__rename" onSubmit={(e) => void rename(e)}>
                  <label className="visually-hidden" htmlFor={`${id}-rename`}>
                    New name for {query.name}
                  </label>
                  <input
                    id={`${id}-rename`}
                    className="input"
                    data-testid="saved-rename-input"
                    value={renaming.to}
                    autoFocus
                    onChange={(e) => setRenaming({ from: query.name, to: e.target.value })}
                    onKeyDown={(e) => {
                      if (e.key === "Escape") {
                        e.preventDefault();
                        e.stopPropagation();
                        setRenaming(null);
                      }
                    }}
                  />
                  <button type="submit" className="button button--small" data-testid="saved-rename-ok">
                    Rename
                  </button>
                  <button type="button" className="button button--small" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </form>
              ) : (
                <>
                  <button
                    type="button"
                    className="link-button saved-query__name"
                    data-testid="saved-apply"
                    title={`List the commits of “${query.name}”`}
                    onClick={() => onApply(query.filter)}
                  >
                    {query.name}
                  </button>
                  <code className="saved-query__text muted">{describe(query.filter)}</code>
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="saved-rename"
                    onClick={() => setRenaming({ from: query.name, to: query.name })}
                  >
                    Rename
                  </button>
                  <button type="button" className="button button--small" data-testid="saved-delete" onClick={() => setDeleting(query.name)}>
                    Delete
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {deleting !== null && (
        <ConfirmDialog
          title="Delete saved query?"
          message={`The saved query “${deleting}” will be deleted. Commits are not affected.`}
          confirmLabel="Delete"
          busy={busy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const target = deleting;
            void run({ kind: "delete", name: target }).then(() => setDeleting(null));
          }}
        />
      )}
    </section>
  );
}
