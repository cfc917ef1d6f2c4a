import { useRef, useState } from "react";

import { api, type ExportProgress } from "../../shared/api";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { exportRequest, type CommitSource } from "./commitPages";
import { normalizeError } from "../../shared/errors";
import { EXPORT_FILTERS, exportTarget } from "../../shared/exportFile";
import { defaultExportName } from "./exportRules";
import { chooseSavePath } from "../../shared/saveDialog";

export type ExportState =
  | { status: "idle" }
  | { status: "running"; progress: ExportProgress | null }
  | { status: "done"; count: number; path: string }
  | { status: "error"; error: ErrorPayload };

export interface Exporter {
  state: ExportState;
  /** Asks for a file with the save dialog, then exports the list `source` describes into it. */
  start: (source: CommitSource) => Promise<void>;
  dismiss: () => void;
}

/** The History page's export: one at a time, progress and result kept until dismissed. */
export function useExport(): Exporter {
  const [state, setState] = useState<ExportState>({ status: "idle" });
  const running = useRef(false);

  async function start(source: CommitSource) {
    if (running.current) return;
    running.current = true;
    try {
      const chosen = await chooseSavePath({
        title: "Export commits",
        defaultPath: defaultExportName(source.repository),
        filters: EXPORT_FILTERS,
      });
      if (chosen === null) return;
      const target = exportTarget(chosen);
      setState({ status: "running", progress: null });
      const count = await api.exportCommits(exportRequest(source), target.format, target.path, (progress) =>
        setState((s) => (s.status === "running" ? { status: "running", progress } : s)),
      );
      setState({ status: "done", count, path: target.path });
    } catch (error) {
      setState({ status: "error", error: normalizeError(error) });
    } finally {
      running.current = false;
    }
  }

  return { state, start, dismiss: () => setState({ status: "idle" }) };
}
