import { open } from "@tauri-apps/plugin-dialog";
import { useId, useState, type FormEvent } from "react";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../../shared/errors";
import type { Importer } from "./useImport";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { ImportStatus } from "./ImportStatus";

/** "Add repository": a folder path (typed or picked), an optional name, and the import's progress. */
export function AddRepository({ importer }: { importer: Importer }) {
  const [path, setPath] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<ErrorPayload | null>(null);
  const pathId = useId();
  const nameId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (importer.running) return;
    const folder = path.trim();
    if (folder === "") {
      setProblem({ code: "validation", message: "Enter the path of a git repository folder, or choose one with Browse…" });
      return;
    }
    setProblem(null);
    void importer.start(folder, name.trim() === "" ? null : name.trim());
  }

  async function browse() {
    try {
      const picked = await open({ directory: true, multiple: false, title: "Choose a git repository folder" });
      if (typeof picked === "string") {
        setPath(picked);
        setProblem(null);
      }
    } catch (error) {
      setProblem(normalizeError(error));
    }
  }

  return (
    <section className="card add-repo" aria-labelledby={`${pathId}-title`}>
      <h2 id={`${pathId}-title`} className="card__title">
        Add repository
      </h2>
      <form className="add-repo__form" onSubmit={submit} data-testid="import-form">
        <div className="field field--grow">
          <label htmlFor={pathId}>Folder</label>
          <div className="field__row">
            <input
              id={pathId}
              className="input input--mono"
              data-testid="import-path"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/home/you/src/project"
              spellCheck={false}
              autoComplete="off"
            />
            <button type="button" className="button" data-testid="import-browse" onClick={() => void browse()}>
              Browse…
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            className="input"
            data-testid="import-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="folder name"
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        <button
          type="submit"
          className="button button--primary"
          data-testid="import-submit"
          aria-disabled={importer.running}
        >
          Import
        </button>
      </form>
      {problem !== null && <ErrorBanner error={problem} title="Cannot import" />}
      <ImportStatus importer={importer} />
    </section>
  );
}
