import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";

import { api, type AppInfo } from "../shared/api";
import type { Loadable } from "../shared/loadable";
import type { Repository } from "../bindings/Repository";
import type { Filter } from "../bindings/Filter";
import { AnalysesPage } from "../features/analyses/AnalysesPage";
import { BackupsPage, type Verifications } from "../features/backups/BackupsPage";
import { ErrorBanner } from "../shared/components/ErrorBanner";
import { MirrorFallback } from "../features/mirror/MirrorFallback";
import { Header } from "./Header";
import { HistoryPage } from "../features/history/HistoryPage";
import { Sidebar, type PageId } from "./Sidebar";
import { RepositoriesPage } from "../features/repositories/RepositoriesPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { dedupeErrors } from "../shared/errors";
import { queryKeys, toLoadable } from "../shared/query/queryClient";
import { useImport } from "../features/repositories/useImport";
import { useScheduleRuns } from "../features/backups/useScheduleRuns";
import { WorkspaceSelect } from "../features/workspaces/WorkspaceSelect";
import { WorkspacesPanel } from "../features/workspaces/WorkspacesPanel";
import { workspaceKeys, workspacesQuery } from "../features/workspaces/queries";
import { scopeRepositories } from "../features/workspaces/workspaceRules";

export function App() {
  const queryClient = useQueryClient();
  const infoQuery = useQuery({ queryKey: queryKeys.storeInfo, queryFn: api.storeInfo });
  const reposQuery = useQuery({ queryKey: queryKeys.repositories, queryFn: api.listRepositories });
  const info: Loadable<AppInfo> = toLoadable(infoQuery);
  const allRepos: Loadable<Repository[]> = toLoadable(reposQuery);
  // The workspace chosen in the header scopes every page below it (null: all workspaces).
  const [workspace, setWorkspace] = useState<string | null>(null);
  const workspaces = useQuery(workspacesQuery);
  // A workspace renamed or deleted (or hidden by a revoked grant) is no longer a choice.
  if (workspace !== null && workspaces.status === "success" && !workspaces.data.some((w) => w.name === workspace)) {
    setWorkspace(null);
  }
  const repos: Loadable<Repository[]> = scopeRepositories(allRepos, workspace);
  const busy = infoQuery.isFetching || reposQuery.isFetching;
  const [page, setPage] = useState<PageId>("repositories");
  // The repository the History page shows (by name); null for all of them.
  const [historyRepo, setHistoryRepo] = useState<string | null>(null);
  // The filter History opens with when another page sends the user there (e.g. a file's commits).
  const [historyFilter, setHistoryFilter] = useState<Filter | null>(null);
  // The repository the Analyses page shows (kept while the user looks at other pages).
  const [analysesRepo, setAnalysesRepo] = useState<string | null>(null);
  // Refetching replaces a slower earlier answer (invalidation cancels the running fetch).
  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.storeInfo }),
        queryClient.invalidateQueries({ queryKey: queryKeys.repositories }),
        queryClient.invalidateQueries({ queryKey: workspaceKeys.list }),
      ]),
    [queryClient],
  );

  const importer = useImport(
    useCallback(() => void refresh(), [refresh]),
    workspace,
  );
  const scheduleRuns = useScheduleRuns();
  // Which backups were verified (and how) survives leaving the Backups page.
  const [verifications, setVerifications] = useState<Verifications>({});

  // After the store was swapped (another database, a restore) every screen's data is reloaded:
  // the lists here, and History, which loads afresh when it is shown next.
  const storeReplaced = useCallback(() => {
    setHistoryRepo(null);
    setHistoryFilter(null);
    setAnalysesRepo(null);
    void queryClient.invalidateQueries();
  }, [queryClient]);

  const errors = dedupeErrors(
    [info, allRepos].flatMap((item) => (item.status === "error" ? [item.error] : [])),
  );

  return (
    <div className="shell">
      <Sidebar
        active={page}
        onNavigate={(next) => {
          setHistoryFilter(null);
          setPage(next);
        }}
        alerts={{ backups: scheduleRuns.failures.length }} />
      <div className="main">
        <Header info={info}>
          <WorkspaceSelect
            value={workspace}
            onChange={(next) => {
              setWorkspace(next);
              setHistoryRepo(null);
              setAnalysesRepo(null);
            }}
          />
        </Header>
        <main className={`content${page === "history" ? " content--fill" : ""}`} id="content">
          {errors.length > 0 && (
            <div className="banners">
              {errors.map((error) => (
                <ErrorBanner key={`${error.code}:${error.message}`} error={error} />
              ))}
              {info.status === "error" && (
                <MirrorFallback
                  onOpened={(opened) => {
                    queryClient.setQueryData(queryKeys.storeInfo, opened);
                    storeReplaced();
                  }}
                />
              )}
            </div>
          )}
          {page === "repositories" ? (
            <>
            <RepositoriesPage
              repos={repos}
              busy={busy}
              onRefresh={() => void refresh()}
              importer={importer}
              onOpenHistory={(name) => {
                setHistoryRepo(name);
                setHistoryFilter(null);
                setPage("history");
              }}
              onRemoved={(name) => {
                if (historyRepo === name) setHistoryRepo(null);
                if (analysesRepo === name) setAnalysesRepo(null);
                void refresh();
              }}
            />
            <WorkspacesPanel
              repositories={allRepos.status === "ok" ? allRepos.data : []}
              onChanged={() => void refresh()}
            />
            </>
          ) : page === "history" ? (
            <HistoryPage
              repos={repos}
              repository={historyRepo}
              onRepositoryChange={setHistoryRepo}
              initialFilter={historyFilter}
              workspace={workspace}
            />
          ) : page === "analyses" ? (
            <AnalysesPage
              repos={repos}
              repository={analysesRepo}
              onRepositoryChange={setAnalysesRepo}
              onOpenPathHistory={(repository, path) => {
                setHistoryRepo(repository);
                setHistoryFilter({ field: "path", op: "eq", value: path });
                setPage("history");
              }}
            />
          ) : page === "backups" ? (
            <BackupsPage
              scheduleRuns={scheduleRuns}
              verifications={verifications}
              setVerifications={setVerifications}
              onRestored={storeReplaced}
              workspace={workspace}
            />
          ) : (
            <SettingsPage
              info={info}
              onSwitched={(opened) => {
                queryClient.setQueryData(queryKeys.storeInfo, opened);
                storeReplaced();
              }}
            />
          )}
        </main>
      </div>
    </div>
  );
}
