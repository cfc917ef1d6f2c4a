import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { AnalysisProgress } from "../../shared/progress";
import type { AnalysisRequest } from "../../bindings/AnalysisRequest";
import type { AnalysisRun } from "../../bindings/AnalysisRun";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../../shared/errors";
import { analysisKeys, runQuery, runsQuery } from "./queries";

export { RUNS_LIMIT } from "./queries";

export type RunsList = { status: "idle" } | { status: "loading" } | { status: "ok"; runs: AnalysisRun[] } | { status: "error"; error: ErrorPayload };

/** What the result area shows. */
export type Shown =
  | { status: "none" }
  | { status: "running"; request: AnalysisRequest; progress: AnalysisProgress | null; cancelling: boolean }
  | { status: "opening"; runId: number }
  | { status: "run"; run: AnalysisRun }
  | { status: "error"; error: ErrorPayload };

export interface Analysis {
  shown: Shown;
  runs: RunsList;
  running: boolean;
  start: (request: AnalysisRequest) => Promise<void>;
  cancel: () => void;
  open: (runId: number) => void;
  reloadRuns: () => void;
  clear: () => void;
}

/** What the hook keeps; a stored run being opened is a query (`stored`), shown as `opening` until it is back. */
type State = Exclude<Shown, { status: "opening" }> | { status: "stored"; runId: number };

/**
 * One analysis at a time for the page: run (progress, cancel), open a stored run, and the
 * repository's previous runs, reloaded after each run. Answers for another repository than the
 * one now chosen are dropped.
 */
export function useAnalysis(repository: string | null): Analysis {
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>({ status: "none" });
  const running = useRef(false);
  const repoRef = useRef(repository);
  repoRef.current = repository;
  // Only the newest open/run may write what is shown.
  const seq = useRef(0);

  // The earlier runs of the chosen repository (none chosen: nothing to list).
  const runsResult = useQuery({ ...runsQuery(repository ?? ""), enabled: repository !== null });
  const runs: RunsList =
    repository === null
      ? { status: "idle" }
      : runsResult.status === "error"
        ? { status: "error", error: normalizeError(runsResult.error) }
        : runsResult.status === "success"
          ? { status: "ok", runs: runsResult.data }
          : { status: "loading" };

  // The stored run being shown; leaving it (a run, another run, Clear) lets its query go, so
  // opening it again loads it afresh ("Opening the run…"), as the first time.
  const storedId = state.status === "stored" ? state.runId : null;
  const stored = useQuery({ ...runQuery(storedId ?? -1), enabled: storedId !== null });
  const shown: Shown =
    state.status !== "stored"
      ? state
      : stored.status === "success"
        ? { status: "run", run: stored.data }
        : stored.status === "error"
          ? { status: "error", error: normalizeError(stored.error) }
          : { status: "opening", runId: state.runId };

  const reloadRuns = useCallback(() => {
    const repo = repoRef.current;
    if (repo !== null) void queryClient.invalidateQueries({ queryKey: analysisKeys.runs(repo) });
  }, [queryClient]);

  useEffect(() => {
    if (!running.current) {
      seq.current += 1;
      setState({ status: "none" });
    }
  }, [repository]);

  const start = useCallback(
    async (request: AnalysisRequest) => {
      if (running.current) return;
      running.current = true;
      const mine = ++seq.current;
      setState({ status: "running", request, progress: null, cancelling: false });
      try {
        const run = await api.runAnalysis(request, (progress) =>
          setState((s) => (s.status === "running" ? { ...s, progress } : s)),
        );
        if (mine === seq.current && repoRef.current === request.repository) setState({ status: "run", run });
      } catch (error) {
        if (mine === seq.current) setState({ status: "error", error: normalizeError(error) });
      } finally {
        running.current = false;
        // A finished (or failed, or cancelled) run is stored: the repository's list changed.
        void queryClient.invalidateQueries({ queryKey: analysisKeys.runs(request.repository) });
        if (repoRef.current !== request.repository && mine === seq.current) setState({ status: "none" });
      }
    },
    [queryClient],
  );

  const cancel = useCallback(() => {
    setState((s) => (s.status === "running" ? { ...s, cancelling: true } : s));
    api.cancelAnalysis().catch(() => undefined);
  }, []);

  const open = useCallback(
    (runId: number) => {
      if (running.current) return;
      seq.current += 1;
      // Opening the run already shown (or failed) loads it again, "Opening the run…" first.
      void queryClient.resetQueries({ queryKey: analysisKeys.run(runId) });
      setState({ status: "stored", runId });
    },
    [queryClient],
  );

  const clear = useCallback(() => {
    if (running.current) return;
    seq.current += 1;
    setState({ status: "none" });
  }, []);

  return { shown, runs, running: shown.status === "running", start, cancel, open, reloadRuns, clear };
}
