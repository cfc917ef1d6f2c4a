import { useCallback, useEffect, useRef, useState } from "react";

import { api, type AppInfo } from "../shared/api";
import type { Loadable } from "../shared/loadable";
import type { Repository } from "../bindings/Repository";
import type { Filter } from "../bindings/Filter";
import { AnalysesPage } from "../features/analyses/AnalysesPage";
import { BackupsPage, type Verifications } from "../features/backups/BackupsPage";
import { ErrorBanner } from "../shared/components/ErrorBanner";
import { Header } from "./Header";
import { HistoryPage } from "../features/history/HistoryPage";
import { Sidebar, type PageId } from "./Sidebar";
import { RepositoriesPage } from "../features/repositories/RepositoriesPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { dedupeErrors, normalizeError } from "../shared/errors";
import { useImport } from "../features/repositories/useImport";
import { useScheduleRuns } from "../features/backups/useScheduleRuns";

function settle<T>(result: PromiseSettledResult<T>): Loadable<T> {
  return result.status === "fulfilled"
    ? { status: "ok", data: result.value }
    : { status: "error", error: normalizeError(result.reason) };
}

export function App() {
  const [info, setInfo] = useState<Loadable<AppInfo>>({ status: "loading" });
  const [repos, setRepos] = useState<Loadable<Repository[]>>({ status: "loading" });
  const [busy, setBusy] = useState(false);
  const [page, setPage] = useState<PageId>("repositories");
  // The repository the History page shows (by name); null for all of them.
  const [historyRepo, setHistoryRepo] = useState<string | null>(null);
  // The filter History opens with when another page sends the user there (e.g. a file's commits).
  const [historyFilter, setHistoryFilter] = useState<Filter | null>(null);
  // The repository the Analyses page shows (kept while the user looks at other pages).
  const [analysesRepo, setAnalysesRepo] = useState<string | null>(null);
  // Only the newest refresh may write its answers (an older, slower one is ignored).
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    setBusy(true);
    const [infoResult, reposResult] = await Promise.allSettled([api.storeInfo(), api.listRepositories()]);
    if (mine !== generation.current) return;
    setInfo(settle(infoResult));
    setRepos(settle(reposResult));
    setBusy(false);
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const importer = useImport(useCallback(() => void refresh(), [refresh]));
  const scheduleRuns = useScheduleRuns();
  // Which backups were verified (and how) survives leaving the Backups page.
  const [verifications, setVerifications] = useState<Verifications>({});

  // After the store was swapped (another database, a restore) every screen's data is reloaded:
  // the lists here, and History, which loads afresh when it is shown next.
  const storeReplaced = useCallback(() => {
    setHistoryRepo(null);
    setHistoryFilter(null);
    setAnalysesRepo(null);
    void refresh();
  }, [refresh]);

  const errors = dedupeErrors(
    [info, repos].flatMap((item) => (item.status === "error" ? [item.error] : [])),
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
        <Header info={info} />
        <main className={`content${page === "history" ? " content--fill" : ""}`} id="content">
          {errors.length > 0 && (
            <div className="banners">
              {errors.map((error) => (
                <ErrorBanner key={`${error.code}:${error.message}`} error={error} />
              ))}
            </div>
          )}
          {page === "repositories" ? (
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
          ) : page === "history" ? (
            <HistoryPage repos={repos} repository={historyRepo} onRepositoryChange={setHistoryRepo} initialFilter={historyFilter} />
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
            />
          ) : (
            <SettingsPage
              info={info}
              onSwitched={(opened) => {
                setInfo({ status: "ok", data: opened });
                storeReplaced();
              }}
            />
          )}
        </main>
      </div>
    </div>
  );
}
