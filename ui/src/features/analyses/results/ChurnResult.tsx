import type { ChurnReport } from "../../../bindings/ChurnReport";
import type { FileChurn } from "../../../bindings/FileChurn";
import type { FolderChurn } from "../../../bindings/FolderChurn";
import type { HotspotsReport } from "../../../bindings/HotspotsReport";
import type { Hotspot } from "../../../bindings/Hotspot";
import { formatCount, formatUnixSeconds } from "../../../shared/format";
import { FolderButton } from "./FolderButton";
import { FileTreemap } from "./LazyCharts";
import { PathButton } from "./PathButton";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";

interface ChurnProps {
  data: ChurnReport;
  busy: boolean;
  onExport: (table: string) => void;
  onOpenPath: (path: string) => void;
  onNarrow: (folder: string) => void;
}

const count = (n: number) => formatCount(n);
const of = (shown: number, total: number, what: string) =>
  shown < total ? `${formatCount(shown)} of ${formatCount(total)} ${what}` : `${formatCount(total)} ${what}`;

/** Lines added and deleted per file (table and treemap) and per folder. */
export function ChurnResult({ data, busy, onExport, onOpenPath, onNarrow }: ChurnProps) {
  const fileColumns: Column<FileChurn>[] = [
    { label: "File", value: (f) => <PathButton path={f.path} onOpen={onOpenPath} /> },
    { label: "Commits", num: true, value: (f) => count(f.commits) },
    { label: "Added", num: true, value: (f) => <span className="added">+{count(f.additions)}</span> },
    { label: "Deleted", num: true, value: (f) => <span className="removed">−{count(f.deletions)}</span> },
    { label: "Churn", num: true, testId: "churn-value", value: (f) => count(f.churn) },
    { label: "Last changed", value: (f) => formatUnixSeconds(f.last_changed) },
  ];
  const folderColumns: Column<FolderChurn>[] = [
    { label: "Folder", value: (f) => <FolderButton folder={f.path} busy={busy} onNarrow={onNarrow} /> },
    { label: "Commits", num: true, value: (f) => count(f.commits) },
    { label: "Files", num: true, value: (f) => count(f.files) },
    { label: "Added", num: true, value: (f) => <span className="added">+{count(f.additions)}</span> },
    { label: "Deleted", num: true, value: (f) => <span className="removed">−{count(f.deletions)}</span> },
    { label: "Churn", num: true, value: (f) => count(f.churn) },
  ];
  return (
    <>
      <ResultSection title="Files" table="files" onExport={onExport} note={of(data.files.length, data.total_files, "files")} testId="churn-files">
        {data.files.length > 0 && <FileTreemap files={data.files} size={(f) => f.churn} label="Churn per file" onOpen={onOpenPath} />}
        <ResultTable
          caption="Files by churn"
          rows={data.files}
          columns={fileColumns}
          rowKey={(f) => f.path}
          testId="churn-files-table"
          empty="No file changed in this range. Widen the dates or clear the branches."
        />
      </ResultSection>
      <ResultSection title="Folders" table="folders" onExport={onExport} note={of(data.folders.length, data.total_folders, "folders")} testId="churn-folders">
        <ResultTable
          caption="Folders by churn"
          rows={data.folders}
          columns={folderColumns}
          rowKey={(f) => f.path}
          testId="churn-folders-table"
          empty="No folder changed in this range."
        />
      </ResultSection>
    </>
  );
}

interface HotspotProps {
  data: HotspotsReport;
  onExport: (table: string) => void;
  onOpenPath: (path: string) => void;
}

/** Files that change often and are large: table and treemap sized by score. */
export function HotspotsResult({ data, onExport, onOpenPath }: HotspotProps) {
  const columns: Column<Hotspot>[] = [
    { label: "File", value: (h) => <PathButton path={h.path} onOpen={onOpenPath} /> },
    { label: "Commits", num: true, value: (h) => count(h.commits) },
    { label: "Churn", num: true, value: (h) => count(h.churn) },
    { label: "Lines", num: true, value: (h) => count(h.lines) },
    { label: "Score", num: true, testId: "hotspot-score", value: (h) => count(h.score) },
  ];
  const source =
    data.size_source === "revision"
      ? `sizes at ${data.revision?.slice(0, 10) ?? "HEAD"}`
      : "sizes from the history (the folder could not be read)";
  return (
    <ResultSection title="Hotspots" table="hotspots" onExport={onExport} note={`commits × lines; ${source}`} testId="hotspots-section">
      {data.size_note !== null && (
        <p className="notice notice--muted" data-testid="hotspots-size-note">
          {data.size_note}
        </p>
      )}
      {data.hotspots.length > 0 && <FileTreemap files={data.hotspots} size={(h) => h.score} label="Hotspots by score" onOpen={onOpenPath} />}
      <ResultTable
        caption="Hotspots, highest score first"
        rows={data.hotspots}
        columns={columns}
        rowKey={(h) => h.path}
        testId="hotspots-table"
        empty="No hotspots: no file of the current tree changed in this range."
      />
    </ResultSection>
  );
}
