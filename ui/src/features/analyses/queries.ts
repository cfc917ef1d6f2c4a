import { queryOptions } from "@tanstack/react-query";

import { api } from "../../shared/api";

/** How many earlier runs the list shows. */
export const RUNS_LIMIT = 30;

/** The Analyses page's query keys: a repository's earlier runs, and one stored run. */
export const analysisKeys = {
  runs: (repository: string) => ["analyses", "list_analysis_runs", repository] as const,
  run: (runId: number) => ["analyses", "get_analysis_run", runId] as const,
};

/** A repository's earlier runs, newest first, without their results (`list_analysis_runs`). */
export const runsQuery = (repository: string) =>
  queryOptions({ queryKey: analysisKeys.runs(repository), queryFn: () => api.listAnalysisRuns(repository, RUNS_LIMIT) });

/** One stored run with its result (`get_analysis_run`). */
export const runQuery = (runId: number) => queryOptions({ queryKey: analysisKeys.run(runId), queryFn: () => api.getAnalysisRun(runId) });
