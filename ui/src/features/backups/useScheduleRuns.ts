import { useCallback, useEffect, useState } from "react";

import { onEvent } from "../../shared/api";
import type { ScheduleRun } from "../../bindings/ScheduleRun";
import { runFailed } from "./backupRules";

export interface ScheduleRuns {
  /** Failed scheduled runs not yet dismissed, newest first. */
  failures: ScheduleRun[];
  /** Bumped on every run (failed or not), so the Backups page can reload its lists. */
  runs: number;
  dismiss: () => void;
}

/** Listens to `backup-schedule-ran` while the window is open and keeps the failures to show. */
export function useScheduleRuns(): ScheduleRuns {
  const [failures, setFailures] = useState<ScheduleRun[]>([]);
  const [runs, setRuns] = useState(0);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    onEvent("backup-schedule-ran", (run) => {
      setRuns((n) => n + 1);
      if (runFailed(run)) setFailures((list) => [run, ...list].slice(0, 20));
    }).then(
      (unlisten) => {
        if (live) stop = unlisten;
        else unlisten();
      },
      // No Tauri runtime (unit tests, a plain browser): no events to show.
      () => {},
    );
    return () => {
      live = false;
      stop?.();
    };
  }, []);

  const dismiss = useCallback(() => setFailures([]), []);
  return { failures, runs, dismiss };
}
