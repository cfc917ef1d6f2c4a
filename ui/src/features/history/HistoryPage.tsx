import { useCallback, useEffect, useId, useMemo, useReducer, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { Loadable } from "../../shared/loadable";
import type { Filter } from "../../bindings/Filter";
import type { Repository } from "../../bindings/Repository";
import { emptyList, hasMore, listReducer, loadedRows, matchingTotal, needsCount, pageQuery, pageRequest, pagesToLoad, prefetchRows, rowAt, rowCount } from "./commitPages";
import { normalizeError } from "../../shared/errors";
import { builderToFilter, sameFilter, withoutBlankRows } from "./filterBuilder";
import { formatCount } from "../../shared/format";
import { DEFAULT_SORT, effectiveSort, hasFullText, type Sort } from "./historySort";
import type { CommitRef } from "../commit/commitRef";
import { NAV_START, navClick, navKey, navOpenCommit, openCommit, type NavState } from "./historyNav";
import { useExport } from "./useExport";
import { useFilterEditing } from "./useFilterEditing";
import { BranchSelect } from "./BranchSelect";
import { CommitList, ROW_HEIGHT } from "./CommitList";
import { CommitView } from "../commit/CommitView";
import { changeTerms } from "../commit/changeMatch";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { ExportStatus } from "./ExportStatus";
import { FilterBuilder } from "./FilterBuilder";
import { SavedQueries } from "./SavedQueries";
import { SearchBox } from "./SearchBox";
import { SortSelect } from "./SortSelect";
import { useGraph } from "../graph/useGraph";
import { graphUnavailable } from "../graph/graphRows";
import { FileHistoryPanel } from "../filehistory/FileHistoryPanel";
import { BlameView } from "../filehistory/BlameView";
import { ComparePanel } from "../compare/ComparePanel";
import "./history.css";

interface Props {
  repos: Loadable<Repository[]>;
  /** The repository shown (by name), or null for all. */
  repository: string | null;
  onRepositoryChange: (name: string | null) => void;
  /** A filter the page opens with (e.g. one file's commits, from the Analyses page). */
  initialFilter?: Filter | null;
  /** The workspace chosen in the header: only its commits (null: every workspace). */
  workspace?: string | null;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);

/**
 * History: the commits of one repository (or all, of one branch or all), newest first, page by
 * page as the list scrolls; a search box and a filter builder showing the same filter; saved
 * queries; the selected commit's details below the list.
 * Keys: `/` search, ↑/↓ or k/j move, Enter open, Esc close.
 */
export function HistoryPage({ repos, repository, onRepositoryChange, initialFilter = null, workspace = null }: Props) {
  const editing = useFilterEditing(initialFilter);
  const { applied } = editing;
  const [branch, setBranch] = useState<string | null>(null);
  const [panel, setPanel] = useState<"filter" | "saved" | null>(null);
  const [sortChoice, setSortChoice] = useState<Sort>(DEFAULT_SORT);
  const [list, dispatch] = useReducer(listReducer, -1, emptyList);
  // The rows in view and whether the list last moved down: which pages to fetch first.
  const [view, setView] = useState({ first: -1, last: -1, down: true, moved: 0 });
  const [nav, setNav] = useState<NavState>(NAV_START);
  const [showGraph, setShowGraph] = useState(true);
  // A file's history, a blame or a comparison, shown above the list.
  const [tool, setTool] = useState<
    { kind: "file"; path: string } | { kind: "blame"; path: string; rev: string } | { kind: "compare" } | null
  >(null);
  const generation = useRef(0);
  const listRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const searchId = useId();

  // A branch belongs to one repository.
  const [branchOf, setBranchOf] = useState(repository);
  if (branchOf !== repository) {
    setBranchOf(repository);
    setBranch(null);
  }

  // A new question (every apply is one, even of the same filter: new commits may have come):
  // a new generation, an empty list, nothing selected.
  const filter = "filter" in applied ? applied.filter : null;
  const appliedError = "error" in applied ? applied.error : null;
  // Relevance needs words to rank by; without them the list is in the default order.
  const sort = effectiveSort(sortChoice, filter);
  // The text of `change:`/`added:`/`removed:` conditions, marked in the open commit's diff.
  const terms = useMemo(() => changeTerms(filter), [filter]);
  const sortKey = `${sort.by}:${sort.order}`;

  useEffect(() => {
    const key = ++generation.current;
    dispatch({ type: "reset", key });
    setNav(NAV_START);
    setView({ first: -1, last: -1, down: true, moved: 0 });
  }, [workspace, repository, branch, applied, sortKey]);

  // The pages the rows in view need (the first one to begin with).
  useEffect(() => {
    if (appliedError !== null || list.key !== generation.current) return;
    const { key } = list;
    for (const page of pagesToLoad(list, view.first, view.last, view.down, prefetchRows(view.moved))) {
      const { query, reversed } = pageQuery({ workspace, repository, branch, filter }, list, page, sort);
      dispatch({ type: "request", key, page });
      api.queryCommits(query).then(
        (result) => dispatch({ type: "loaded", key, page, reversed, result }),
        (error: unknown) => dispatch({ type: "failed", key, page, error: normalizeError(error) }),
      );
    }
    // `sort` changes only with `sortKey`, which also resets the list (a new generation) first.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- sortKey stands for sort
  }, [list, view, workspace, repository, branch, filter, appliedError, sortKey]);

  // The first page's count stopped at the backend's cap: ask for the exact one, so the list (and
  // its scrollbar) can cover every matching commit. Until it comes the list grows as it scrolls.
  useEffect(() => {
    if (list.key !== generation.current || !needsCount(list)) return;
    const { key } = list;
    dispatch({ type: "count", key });
    api.countCommits(pageRequest({ workspace, repository, branch, filter }, null)).then(
      (exact) => dispatch({ type: "counted", key, exact }),
      () => dispatch({ type: "counted", key, exact: null }),
    );
  }, [list, workspace, repository, branch, filter]);

  // The keyboard handler reads the newest state through refs, so it is installed once.
  const navRef = useRef(nav);
  navRef.current = nav;
  const countRef = useRef(0);
  countRef.current = rowCount(list);
  const panelRef = useRef(panel);
  panelRef.current = panel;

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (isEditable(target)) return;
      if (event.key === "/") {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
        return;
      }
      // Buttons and links keep Enter and Space; the commit pane keeps its scrolling keys.
      if (target?.closest("button, a") != null && (event.key === "Enter" || event.key === " ")) return;
      if (target?.closest("[data-nav-scope='detail']") != null && SCROLL_KEYS.has(event.key)) return;
      const pageSize = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
      const next = navKey(navRef.current, event.key, countRef.current, pageSize);
      if (next === null) {
        // Esc with no commit open closes the filter or saved-queries panel.
        if (event.key === "Escape" && panelRef.current !== null) {
          event.preventDefault();
          setPanel(null);
        }
        return;
      }
      event.preventDefault();
      if (event.key === "Escape" && target?.closest("[data-nav-scope='detail']") != null) listRef.current?.focus();
      // Keys may come faster than renders (a held key): the next one starts from this state.
      navRef.current = next;
      setNav(next);
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  const onRendered = useCallback(
    (first: number, last: number) =>
      setView((old) =>
        old.first === first && old.last === last ? old : { first, last, down: first >= old.first, moved: old.first < 0 ? 0 : first - old.first },
      ),
    [],
  );

  const repositoryIdForGraph = repos.status === "ok" ? (repos.data.find((r) => r.name === repository)?.id ?? null) : null;
  const graphNote = graphUnavailable(repositoryIdForGraph, filter, sort);
  const graph = useGraph(repositoryIdForGraph, branch, view.first, view.last, showGraph && graphNote === null && appliedError === null);

  function openByHash(hash: string) {
    if (repositoryIdForGraph === null) return;
    openParent({ repositoryId: repositoryIdForGraph, hash });
  }

  const open = openCommit(nav, (index) => {
    const commit = rowAt(list, index);
    return commit === undefined ? undefined : { repositoryId: commit.repository_id, hash: commit.hash };
  });

  function openParent(parent: CommitRef) {
    const found = loadedRows(list).find(([, c]) => c.hash === parent.hash && c.repository_id === parent.repositoryId);
    setNav((state) => navOpenCommit(state, parent, found === undefined ? null : found[0]));
  }

  const repoNames = repos.status === "ok" ? repos.data.map((r) => r.name) : [];
  if (repository !== null && !repoNames.includes(repository)) repoNames.unshift(repository);
  const repositoryId = repos.status === "ok" ? (repos.data.find((r) => r.name === repository)?.id ?? null) : null;
  const firstPageError = appliedError ?? (list.error !== null && list.total === null ? list.error : null);
  const builderFilter = editing.builder === null ? filter : builderToFilter(withoutBlankRows(editing.builder)).filter;
  const dirty = editing.builder !== null && !sameFilter(builderFilter, filter);
  const conditionCount = editing.builder?.rows.length ?? 0;
  const total = matchingTotal(list);
  const exporter = useExport();
  const exporting = exporter.state.status === "running";
  // Exported is what is listed: nothing before the first answer, after an error or with no rows.
  const nothingToExport = list.total === null || list.total === 0 || firstPageError !== null;

  return (
    <section className="page history" aria-labelledby="page-title">
      <div className="page__head history__head">
        <div>
          <h1 id="page-title">History</h1>
          <p
            className="page__summary"
            data-testid="history-summary"
            data-total={total?.count}
            data-total-at-least={total?.atLeast}
          >
            {total === null
              ? firstPageError !== null
                ? "No answer"
                : "Loading…"
              : total.atLeast
                ? `${formatCount(total.count)}+ commits`
                : total.count === 1
                  ? "1 commit"
                  : `${formatCount(total.count)} commits`}
          </p>
        </div>
        <div className="history__tools">
          <label className="visually-hidden" htmlFor={`${searchId}-repo`}>
            Repository
          </label>
          <select
            id={`${searchId}-repo`}
            className="input select"
            data-testid="history-repo"
            value={repository ?? ""}
            onChange={(e) => onRepositoryChange(e.target.value === "" ? null : e.target.value)}
          >
            <option value="">All repositories</option>
            {repoNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <BranchSelect repositoryId={repositoryId} value={branch} onChange={setBranch} />
          <SearchBox
            text={editing.text}
            syntaxError={editing.syntaxError}
            inputRef={searchRef}
            onType={editing.typeText}
            onSubmit={() => void editing.submitText()}
            onLeave={(key) => {
              listRef.current?.focus();
              if (key === "ArrowDown" && nav.selected === null && rowCount(list) > 0) {
                setNav({ selected: 0, open: nav.open, pinned: null });
              }
            }}
          />
          <SortSelect value={sort} fullText={hasFullText(filter)} onChange={setSortChoice} />
          <button
            type="button"
            className={`button${panel === "filter" ? " button--active" : ""}`}
            data-testid="history-filter-toggle"
            aria-expanded={panel === "filter"}
            title="Build the filter from conditions (the same filter as the search box)"
            onClick={() => setPanel((p) => (p === "filter" ? null : "filter"))}
          >
            {conditionCount > 0 ? `Filter (${conditionCount})` : "Filter"}
          </button>
          <button
            type="button"
            className={`button${showGraph ? " button--active" : ""}`}
            data-testid="history-graph-toggle"
            aria-pressed={showGraph}
            title="Show or hide the commit graph beside the list"
            onClick={() => setShowGraph((v) => !v)}
          >
            Graph
          </button>
          <button
            type="button"
            className={`button${tool?.kind === "compare" ? " button--active" : ""}`}
            data-testid="history-compare-toggle"
            aria-disabled={repository === null}
            title={repository === null ? "Choose a repository to compare its branches" : "Compare two branches, tags or commits"}
            onClick={() => {
              if (repository !== null) setTool((t) => (t?.kind === "compare" ? null : { kind: "compare" }));
            }}
          >
            Compare
          </button>
          <button
            type="button"
            className={`button${panel === "saved" ? " button--active" : ""}`}
            data-testid="history-saved-toggle"
            aria-expanded={panel === "saved"}
            title="Save this filter under a name, or use a saved one"
            onClick={() => setPanel((p) => (p === "saved" ? null : "saved"))}
          >
            Saved
          </button>
          <button
            type="button"
            className="button"
            data-testid="history-export"
            // aria-disabled rather than disabled: a disabled button drops keyboard focus.
            aria-disabled={nothingToExport || exporting}
            aria-busy={exporting}
            title={nothingToExport ? "Nothing to export" : "Export the commits listed here as CSV, JSON or NDJSON"}
            onClick={() => {
              if (!nothingToExport && !exporting) void exporter.start({ workspace, repository, branch, filter });
            }}
          >
            {exporting ? "Exporting…" : "Export…"}
          </button>
        </div>
      </div>
      {editing.syntaxError !== null && appliedError === null && (
        <p className="history__syntax" data-testid="search-syntax" role="status">
          Not understood yet: {editing.syntaxError}
        </p>
      )}
      {editing.textNote !== null && panel !== "filter" && (
        <p className="history__syntax history__syntax--note" data-testid="search-text-note" role="status">
          The search box cannot show {editing.textNote}. Open Filter to see or change the filter.
        </p>
      )}
      {panel === "filter" && (
        <div className="history__panel">
          <FilterBuilder
            builder={editing.builder}
            rowErrors={editing.rowErrors}
            textNote={editing.textNote}
            dirty={dirty}
            onChange={editing.editBuilder}
            onApply={() => editing.applyBuilder()}
            onClear={editing.clear}
          />
        </div>
      )}
      {panel === "saved" && (
        <div className="history__panel">
          <SavedQueries current={appliedError === null && filter !== null && !sameFilter(filter, null) ? filter : null} onApply={editing.applyFilter} />
        </div>
      )}
      {showGraph && graphNote !== null && repository !== null && (
        <p className="muted history__note" data-testid="graph-note">
          {graphNote}
        </p>
      )}
      {tool?.kind === "file" && repositoryIdForGraph !== null && (
        <FileHistoryPanel
          key={tool.path}
          repositoryId={repositoryIdForGraph}
          path={tool.path}
          rev={branch}
          onOpenCommit={openByHash}
          onBlame={(path, hash) => setTool({ kind: "blame", path, rev: hash })}
          onClose={() => setTool(null)}
        />
      )}
      {tool?.kind === "blame" && repository !== null && (
        <BlameView key={`${tool.path}@${tool.rev}`} repository={repository} path={tool.path} rev={tool.rev} onOpenCommit={openByHash} onClose={() => setTool(null)} />
      )}
      {tool?.kind === "compare" && repository !== null && (
        <ComparePanel repository={repository} initialLeft={branch ?? "HEAD"} onOpenCommit={openByHash} onClose={() => setTool(null)} />
      )}
      {exporter.state.status !== "idle" && (
        <div className="banners">
          <ExportStatus state={exporter.state} lowerBound={total?.atLeast ?? false} onDismiss={exporter.dismiss} />
        </div>
      )}
      {firstPageError !== null && (
        <div className="banners">
          <ErrorBanner
            error={firstPageError}
            title={firstPageError.code === "query" ? "The search could not be understood" : "Could not load commits"}
          />
        </div>
      )}
      <div className={`history__body${open !== null ? " history__body--split" : ""}`}>
        {firstPageError !== null ? null : list.total === 0 ? (
          <div className="empty" data-testid="history-empty">
            <p className="empty__title">No commits.</p>
            <p>
              {filter === null || sameFilter(filter, null)
                ? branch !== null
                  ? "Nothing is reachable from this branch or tag. Choose All branches, or sync the repository."
                  : "Import a repository on the Repositories page."
                : "Nothing matches this filter. Change the search or the filter, or clear it."}
            </p>
          </div>
        ) : (
          <CommitList
            count={rowCount(list)}
            rowAt={(index) => rowAt(list, index)}
            snippets={list.snippets}
            hasMore={hasMore(list) && firstPageError === null}
            loading={Object.keys(list.pending).length > 0}
            error={firstPageError === null ? list.error : null}
            selected={nav.selected}
            onRowClick={(index) => {
              setNav((state) => navClick(state, index));
              listRef.current?.focus();
            }}
            onRendered={onRendered}
            onRetry={() => dispatch({ type: "retry", key: list.key })}
            listRef={listRef}
            graph={graph}
          />
        )}
        {open !== null && (
          <CommitView
            key={`${open.repositoryId}:${open.hash}`}
            target={open}
            terms={terms}
            onOpenParent={openParent}
            onFileHistory={repository === null ? undefined : (path) => setTool({ kind: "file", path })}
            onBlame={repository === null ? undefined : (path, hash) => setTool({ kind: "blame", path, rev: hash })}
            onClose={() => {
              setNav((state) => ({ ...state, open: false, pinned: null }));
              listRef.current?.focus();
            }}
          />
        )}
      </div>
    </section>
  );
}
