import { open } from "@tauri-apps/plugin-dialog";
import { useId, useState, type FormEvent } from "react";

import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { api } from "../../shared/api";
import { normalizeError } from "../../shared/errors";
import type { Importer } from "./useImport";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { ImportStatus } from "./ImportStatus";

/** A URL to clone (rather than a folder), as the backend tells them apart. */
export function isRemoteUrl(text: string): boolean {
  return /^(https?|git|ssh|file):\/\/./i.test(text.trim());
}

/**
 * "Add repository": a folder path (typed or picked) or a URL to clone, an optional name, for an
 * https URL an optional token (kept in the OS keyring, never in a settings file), and the import's
 * progress.
 */
export function AddRepository({ importer }: { importer: Importer }) {
  const [path, setPath] = useState("");
  const [name, setName] = useState("");
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<ErrorPayload | null>(null);
  const pathId = useId();
  const nameId = useId();
  const tokenId = useId();
  const isUrl = isRemoteUrl(path);
  const takesToken = /^https?:\/\//i.test(path.trim());

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (importer.running) return;
    const source = path.trim();
    if (source === "") {
      setProblem({
        code: "validation",
        message: "Enter the path of a git repository folder or its URL, or choose a folder with Browse…",
      });
      return;
    }
    setProblem(null);
    if (takesToken && token.trim() !== "") {
      try {
        await api.saveToken(source, token.trim());
        setToken("");
      } catch (error) {
        setProblem(normalizeError(error));
        return;
      }
    }
    void importer.start(source, name.trim() === "" ? null : name.trim());
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
      <form className="add-repo__form" onSubmit={(e) => void submit(e)} data-testid="import-form">
        <div className="field field--grow">
          <label htmlFor={pathId}>Folder or URL</label>
          <div className="field__row">
            <input
              id={pathId}
              className="input input--mono"
              data-testid="import-path"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/home/you/src/project or https://git.example.com/team/project.git"
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
            placeholder={isUrl ? "name in the URL" : "folder name"}
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        {takesToken && (
          <div className="field">
            <label htmlFor={tokenId}>Token (optional)</label>
            <input
              id={tokenId}
              type="password"
              className="input"
              data-testid="import-token"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="kept in the OS keyring"
              autoComplete="off"
            />
          </div>
        )}
        <button
          type="submit"
          className="button button--primary"
          data-testid="import-submit"
          aria-disabled={importer.running}
        >
          {isUrl ? "Clone and import" : "Import"}
        </button>
      </form>
      {problem !== null && <ErrorBanner error={problem} title="Cannot import" />}
      <ImportStatus importer={importer} />
    </section>
  );
}
