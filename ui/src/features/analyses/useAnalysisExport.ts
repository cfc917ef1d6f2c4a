import { useRef, useState } from "react";

import { api } from "../../shared/api";
import type { AnalysisRun } from "../../bindings/AnalysisRun";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { analysisExportName } from "./analysisRules";
import { normalizeError } from "../../shared/errors";
import { EXPORT_FILTERS, exportTarget } from "../../shared/exportFile";
import { chooseSavePath } from "../../shared/saveDialog";

export type AnalysisExportState =
  | { status: "idle" }
  | { status: "running"; table: string | null }
  | { status: "done"; table: string | null; count: number; path: string }
  | { status: "error"; error: ErrorPayload };

export interface AnalysisExporter {
  state: AnalysisExportState;
  /** Asks for a file, then writes `table` of the run (null: the whole result, as JSON). */
  start: (run: AnalysisRun, repository: string, table: string | null) => Promise<void>;
  dismiss: () => void;
}

const JSON_ONLY = [{ name: "JSON", extensions: ["json"] }];

/** Export of an analysis result's tables through the native save dialog, one at a time. */
export function useAnalysisExport(): AnalysisExporter {
  const [state, setState] = useState<AnalysisExportState>({ status: "idle" });
  const busy = useRef(false);

  async function start(run: AnalysisRun, repository: string, table: string | null) {
    if (busy.current) return;
    busy.current = true;
    try {
      const chosen = await chooseSavePath({
        title: table === null ? "Export the result" : `Export ${table.replace(/_/g, " ")}`,
        defaultPath: analysisExportName(repository, run.kind, table),
        filters: table === null ? JSON_ONLY : EXPORT_FILTERS,
      });
      if (chosen === null) return;
      // The whole result is one JSON document; a table is rows in the format its name says.
      const target = table === null ? { path: /\.json$/i.test(chosen) ? chosen : `${chosen}.json`, format: "json" as const } : exportTarget(chosen);
      setState({ status: "running", table });
      const count = await api.exportAnalysis(run.id, table, target.format, target.path);
      setState({ status: "done", table, count, path: target.path });
    } catch (error) {
      setState({ status: "error", error: normalizeError(error) });
    } finally {
      busy.current = false;
    }
  }

  return { state, start, dismiss: () => setState({ status: "idle" }) };
}
