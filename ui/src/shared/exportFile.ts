/**
 * What an export writes, shared by History and Analyses: the save dialog's file types and which
 * format a chosen file name means.
 */
import type { ExportFormat } from "./api";

export const EXPORT_FILTERS: { name: string; extensions: string[] }[] = [
  { name: "CSV", extensions: ["csv"] },
  { name: "JSON", extensions: ["json"] },
  { name: "NDJSON", extensions: ["ndjson"] },
];

/**
 * The file and format for a path from the save dialog: the extension (any case) picks the format;
 * a name without a known one gets `.csv` (the dialog does not say which file type was chosen).
 */
export function exportTarget(path: string): { path: string; format: ExportFormat } {
  const dot = path.lastIndexOf(".");
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const extension = dot > slash + 1 ? path.slice(dot + 1).toLowerCase() : "";
  if (extension === "csv" || extension === "json" || extension === "ndjson") return { path, format: extension };
  return { path: `${path}.csv`, format: "csv" };
}
