import { useCallback, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { BackupProgress } from "../../shared/progress";
import { CommandError } from "../../shared/errors";

export type JobKind = "create" | "verify" | "restore";

/** The one backup job (create, verify or restore) the page runs at a time; the backend allows one. */
export type JobState =
  | { status: "idle" }
  | { status: "running"; kind: JobKind; path: string | null; progress: BackupProgress | null; cancelling: boolean };

export interface BackupJob {
  state: JobState;
  running: boolean;
  /** Runs `work` as the job, handing it the progress callback; rejects when a job is running. */
  run: <T>(kind: JobKind, path: string | null, work: (onProgress: (p: BackupProgress) => void) => Promise<T>) => Promise<T>;
  cancel: () => Promise<void>;
}

export function useBackupJob(): BackupJob {
  const [state, setState] = useState<JobState>({ status: "idle" });
  const running = useRef(false);

  const run = useCallback(
    async <T,>(kind: JobKind, path: string | null, work: (onProgress: (p: BackupProgress) => void) => Promise<T>): Promise<T> => {
      if (running.current) throw new CommandError({ code: "busy", message: "another backup job is running; wait for it to finish" });
      running.current = true;
      setState({ status: "running", kind, path, progress: null, cancelling: false });
      const onProgress = (progress: BackupProgress) => setState((s) => (s.status === "running" ? { ...s, progress } : s));
      try {
        return await work(onProgress);
      } finally {
        running.current = false;
        setState({ status: "idle" });
      }
    },
    [],
  );

  const cancel = useCallback(async () => {
    if (!running.current) return;
    setState((s) => (s.status === "running" ? { ...s, cancelling: true } : s));
    try {
      await api.cancelBackup();
    } catch (error) {
      setState((s) => (s.status === "running" ? { ...s, cancelling: false } : s));
      console.error("cancel_backup failed", error);
    }
  }, []);

  return { state, running: state.status === "running", run, cancel };
}
