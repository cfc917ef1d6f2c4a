import { useCallback, useEffect, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { AnalysisProgress } from "../../bindings/AnalysisProgress";
import type { AnalysisRequest } from "../../bindings/AnalysisRequest";
import type { AnalysisRun } from "../../bindings/AnalysisRun";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { normalizeError } from "../../shared/errors";

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
  open: (runId: number) => Promise<void>;
  reloadRuns: () => void;
  clear: () => void;
}

export const RUNS_LIMIT = 30;

/**
 * One analysis at a time for the page: run (progress, cancel), open a stored run, and the
 * repository's previous runs, reloaded after each run. Answers for another repository than the
 * one now chosen are dropped.
 */
export function useAnalysis(repository: string | null): Analysis {
  const [shown, setShown] = useState<Shown>({ status: "none" });
  const [runs, setRuns] = useState<RunsList>({ status: "idle" });
  const running = useRef(false);
  const repoRef = useRef(repository);
  repoRef.current = repository;
  // Only the newest open/run may write what is shown.
  const seq = useRef(0);

  const reloadRuns = useCallback(() => {
    const repo = repoRef.current;
    if (repo === null) {
      setRuns({ status: "idle" });
      return;
    }
    setRuns((r) => (r.status === "ok" ? r : { status: "loading" }));
    api.listAnalysisRuns(repo, RUNS_LIMIT).then(
      (list) => {
        if (repoRef.current === repo) setRuns({ status: "ok", runs: list });
      },
      (error: unknown) => {
        if (repoRef.current === repo) setRuns({ status: "error", error: normalizeError(error) });
      },
    );
  }, []);

  useEffect(() => {
    if (!running.current) {
      seq.current += 1;
      setShown({ status: "none" });
    }
    setRuns({ status: "idle" });
    reloadRuns();
  }, [repository, reloadRuns]);

  const start = useCallback(
    async (request: AnalysisRequest) => {
      if (running.current) return;
      running.current = true;
      const mine = ++seq.current;
      setShown({ status: "running", request, progress: null, cancelling: false });
      try {
        const run = await api.runAnalysis(request, (progress) =>
          setShown((s) => (s.status === "running" ? { ...s, progress } : s)),
        );
        if (mine === seq.current && repoRef.current === request.repository) setShown({ status: "run", run });
      } catch (error) {
        if (mine === seq.current) setShown({ status: "error", error: normalizeError(error) });
      } finally {
        running.current = false;
        if (repoRef.current === request.repository) reloadRuns();
        else if (mine === seq.current) setShown({ status: "none" });
      }
    },
    [reloadRuns],
  );

  const cancel = useCallback(() => {
    setShown((s) => (s.status === "running" ? { ...s, cancelling: true } : s));
    api.cancelAnalysis().catch(() => undefined);
  }, []);

  const open = useCallback(async (runId: number) => {
    if (running.current) return;
    const mine = ++seq.current;
    setShown({ status: "opening", runId });
    try {
      const run = await api.getAnalysisRun(runId);
      if (mine === seq.current) setShown({ status: "run", run });
    } catch (error) {
      if (mine === seq.current) setShown({ status: "error", error: normalizeError(error) });
    }
  }, []);

  const clear = useCallback(() => {
    if (running.current) return;
    seq.current += 1;
    setShown({ status: "none" });
  }, []);

  return { shown, runs, running: shown.status === "running", start, cancel, open, reloadRuns, clear };
}
