import { useCallback, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { ImportProgress } from "../../shared/progress";
import type { ImportReport } from "../../bindings/ImportReport";
import { normalizeError } from "../../shared/errors";

/** The one import the window runs at a time, and how the last one ended. */
export type ImportState =
  | { status: "idle" }
  | { status: "running"; path: string; name: string | null; progress: ImportProgress | null; cancelling: boolean }
  | { status: "done"; report: ImportReport }
  | { status: "failed"; path: string; error: ErrorPayload };

export interface Importer {
  state: ImportState;
  running: boolean;
  start: (path: string, name: string | null) => Promise<void>;
  cancel: () => Promise<void>;
  dismiss: () => void;
}

/**
 * Runs imports through the backend; `onSettled` is called after each one (to refresh lists). A new
 * repository goes to `workspace` (null: the default one).
 */
export function useImport(onSettled: () => void, workspace: string | null = null): Importer {
  const [state, setState] = useState<ImportState>({ status: "idle" });
  const running = useRef(false);
  const target = useRef(workspace);
  target.current = workspace;

  const start = useCallback(
    async (path: string, name: string | null) => {
      if (running.current) return;
      running.current = true;
      setState({ status: "running", path, name, progress: null, cancelling: false });
      const onProgress = (progress: ImportProgress) =>
        setState((s) => (s.status === "running" ? { ...s, progress } : s));
      try {
        const report = await api.importRepository(path, name, onProgress, target.current);
        setState({ status: "done", report });
      } catch (error) {
        setState({ status: "failed", path, error: normalizeError(error) });
      } finally {
        running.current = false;
        onSettled();
      }
    },
    [onSettled],
  );

  const cancel = useCallback(async () => {
    if (!running.current) return;
    setState((s) => (s.status === "running" ? { ...s, cancelling: true } : s));
    try {
      await api.cancelImport();
    } catch (error) {
      setState((s) => (s.status === "running" ? { ...s, cancelling: false } : s));
      console.error("cancel_import failed", error);
    }
  }, []);

  const dismiss = useCallback(() => {
    setState((s) => (s.status === "running" ? s : { status: "idle" }));
  }, []);

  return { state, running: state.status === "running", start, cancel, dismiss };
}
