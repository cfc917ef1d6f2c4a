import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import type { Loadable } from "../../shared/loadable";
import type { CommitWithChanges } from "../../bindings/CommitWithChanges";
import type { Signature } from "../../bindings/Signature";
import { copyText } from "../../shared/clipboard";
import { formatChurn, summaryLine } from "../../shared/format";
import { toLoadable } from "../../shared/query/queryClient";
import { formatUnixSeconds, isoFromUnixSeconds } from "../../shared/format";
import type { ChangeTerm } from "./changeMatch";
import type { CommitRef } from "./commitRef";
import { commitStatQuery } from "./queries";
import { loadDiffMode, saveDiffMode, type DiffMode } from "./diffMode";
import { DiffModeToggle } from "./DiffModeToggle";
import { DiffView } from "./DiffView";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { FileList } from "./FileList";
import "./commit.css";

const NO_TERMS: readonly ChangeTerm[] = [];

interface Props {
  target: CommitRef;
  /** Text a changed-lines search looked for: marked in the diffs, the first one scrolled to. */
  terms?: readonly ChangeTerm[];
  onOpenParent: (parent: CommitRef) => void;
  onClose: () => void;
  /** Opens a changed file's history. */
  onFileHistory?: ((path: string) => void) | undefined;
  /** Opens the blame of a changed file at this commit. */
  onBlame?: ((path: string, hash: string) => void) | undefined;
}

/**
 * One commit: message, hash (with copy), people, parents, changed files and their diffs. The
 * commit comes without diff texts (`get_commit_stat`); each file's diff loads on its own.
 */
export function CommitView({ target, terms = NO_TERMS, onOpenParent, onClose, onFileHistory, onBlame }: Props) {
  const commit: Loadable<CommitWithChanges> = toLoadable(useQuery(commitStatQuery(target.repositoryId, target.hash)));

  return (
    <section
      className="commit-view"
      data-testid="commit-view"
      data-hash={target.hash}
      data-nav-scope="detail"
      aria-label="Commit"
      tabIndex={-1}
    >
      <div className="commit-view__bar">
        <span className="commit-view__label">Commit</span>
        <button type="button" className="button button--small" data-testid="commit-close" onClick={onClose} title="Close (Esc)">
          Close <kbd>Esc</kbd>
        </button>
      </div>
      <div className="commit-view__scroll">
        {commit.status === "loading" && (
          <p className="placeholder" data-testid="commit-loading">
            Loading commit {target.hash.slice(0, 12)}…
          </p>
        )}
        {commit.status === "error" && <ErrorBanner error={commit.error} title="Cannot show this commit" />}
        {commit.status === "ok" && (
          <CommitDetails
            data={commit.data}
            terms={terms}
            onOpenParent={onOpenParent}
            onFileHistory={onFileHistory}
            onBlame={onBlame === undefined ? undefined : (path) => onBlame(path, commit.data.commit.hash)}
          />
        )}
      </div>
    </section>
  );
}

function Person({ who, testId }: { who: Signature; testId: string }) {
  const iso = isoFromUnixSeconds(who.time);
  return (
    <span data-testid={testId}>
      <span className="person__name">{who.name}</span> <span className="muted">&lt;{who.email}&gt;</span>
      {" · "}
      <time dateTime={iso} title={iso}>
        {formatUnixSeconds(who.time)}
      </time>
    </span>
  );
}

function CommitDetails({
  data,
  terms,
  onOpenParent,
  onFileHistory,
  onBlame,
}: {
  data: CommitWithChanges;
  terms: readonly ChangeTerm[];
  onOpenParent: (parent: CommitRef) => void;
  onFileHistory?: ((path: string) => void) | undefined;
  onBlame?: ((path: string) => void) | undefined;
}) {
  const { commit, changes } = data;
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [mode, setMode] = useState<DiffMode>(() => loadDiffMode());
  function chooseMode(next: DiffMode) {
    setMode(next);
    saveDiffMode(next);
  }
  const summary = summaryLine(commit.message);
  const body = commit.message.slice(commit.message.indexOf("\n") + 1).trim();
  const hasBody = commit.message.includes("\n") && body !== "";
  const sameCommitter =
    commit.committer.name === commit.author.name &&
    commit.committer.email === commit.author.email &&
    commit.committer.time === commit.author.time;
  const totals = formatChurn(commit.totals.total_additions, commit.totals.total_deletions);

  return (
    <>
      <h2 className="commit-view__title" data-testid="commit-title">
        {summary === "" ? <span className="muted">(no message)</span> : summary}
      </h2>
      {hasBody && <pre className="commit-view__body">{body}</pre>}
      <dl className="meta">
        <dt>Hash</dt>
        <dd className="meta__hash">
          <code data-testid="commit-full-hash">{commit.hash}</code>
          <button
            type="button"
            className="button button--small"
            data-testid="copy-hash"
            onClick={() => void copyText(commit.hash).then((ok) => setCopied(ok ? "yes" : "no"))}
          >
            {copied === "yes" ? "Copied" : copied === "no" ? "Copy failed" : "Copy"}
          </button>
        </dd>
        <dt>Author</dt>
        <dd>
          <Person who={commit.author} testId="commit-view-author" />
        </dd>
        {!sameCommitter && (
          <>
            <dt>Committer</dt>
            <dd>
              <Person who={commit.committer} testId="commit-view-committer" />
            </dd>
          </>
        )}
        <dt>{commit.parents.length === 1 ? "Parent" : "Parents"}</dt>
        <dd className="meta__parents">
          {commit.parents.length === 0 ? (
            <span className="muted">none (a root commit)</span>
          ) : (
            commit.parents.map((parent) => (
              <button
                key={parent}
                type="button"
                className="link-button"
                data-testid="commit-parent"
                data-hash={parent}
                title={`Open ${parent}`}
                onClick={() => onOpenParent({ repositoryId: commit.repository_id, hash: parent })}
              >
                {parent.slice(0, 10)}
              </button>
            ))
          )}
        </dd>
        <dt>Changes</dt>
        <dd>
          {commit.totals.files_changed === 1 ? "1 file" : `${commit.totals.files_changed} files`},{" "}
          <span className="added">{totals.added}</span> <span className="removed">{totals.removed}</span>
        </dd>
      </dl>
      <div className="commit-view__files-head">
        <h3 className="section-title">Files</h3>
        <DiffModeToggle mode={mode} onChange={chooseMode} />
      </div>
      <FileList changes={changes} onHistory={onFileHistory} onBlame={onBlame} />
      <DiffView changes={changes} mode={mode} terms={terms} />
    </>
  );
}
