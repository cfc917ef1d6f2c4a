import type { FolderOwnership } from "../../../bindings/FolderOwnership";
import type { OwnershipReport } from "../../../bindings/OwnershipReport";
import { formatCount } from "../../../shared/format";
import { FolderButton } from "./FolderButton";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";

interface Props {
  data: OwnershipReport;
  busy: boolean;
  onExport: (table: string) => void;
  onNarrow: (folder: string) => void;
}

const columns = (busy: boolean, onNarrow: (folder: string) => void): Column<FolderOwnership>[] => [
  { label: "Folder", value: (f) => <FolderButton folder={f.path} busy={busy} onNarrow={onNarrow} /> },
  {
    label: "Bus factor",
    num: true,
    testId: "bus-factor",
    value: (f) => <span className={f.bus_factor === 1 ? "badge badge--error" : "badge"} title="The fewest authors covering more than half of the changed lines">{f.bus_factor}</span>,
  },
  { label: "Authors", num: true, value: (f) => formatCount(f.authors) },
  { label: "Lines changed", num: true, value: (f) => formatCount(f.lines) },
  {
    label: "Main owners",
    value: (f) => (
      <span className="owners">
        {f.owners.slice(0, 3).map((o) => (
          <span key={o.email} title={`${o.name} <${o.email}>: ${formatCount(o.lines)} lines`}>
            {o.name} <span className="muted">{Math.round(o.share * 100)} %</span>
          </span>
        ))}
      </span>
    ),
  },
];

/** Per folder: who changed its lines and how few people cover most of them. */
export function OwnershipResult({ data, busy, onExport, onNarrow }: Props) {
  const note = data.folders.length < data.total_folders ? `${formatCount(data.folders.length)} of ${formatCount(data.total_folders)} folders` : `${formatCount(data.total_folders)} folders`;
  return (
    <ResultSection title="Ownership" table="folders" onExport={onExport} note={note} testId="ownership-section">
      <ResultTable
        caption="Folders, lowest bus factor first"
        rows={data.folders}
        columns={columns(busy, onNarrow)}
        rowKey={(f) => f.path}
        testId="ownership-table"
        empty="No lines changed in this range. Widen the dates or clear the branches."
      />
    </ResultSection>
  );
}
