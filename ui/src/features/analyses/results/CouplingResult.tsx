import type { CoupledPair } from "../../../bindings/CoupledPair";
import type { CouplingReport } from "../../../bindings/CouplingReport";
import { formatCount } from "../../../shared/format";
import { PathButton } from "./PathButton";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";

interface Props {
  data: CouplingReport;
  onExport: (table: string) => void;
  onOpenPath: (path: string) => void;
}

/** Pairs of files changed in the same commits, with how often and how tightly. */
export function CouplingResult({ data, onExport, onOpenPath }: Props) {
  const columns: Column<CoupledPair>[] = [
    { label: "File", value: (p) => <PathButton path={p.a} onOpen={onOpenPath} /> },
    { label: "Changes with", value: (p) => <PathButton path={p.b} onOpen={onOpenPath} /> },
    { label: "Shared commits", num: true, value: (p) => formatCount(p.shared) },
    { label: "Commits (each)", num: true, value: (p) => `${formatCount(p.commits_a)} / ${formatCount(p.commits_b)}` },
    {
      label: "Degree",
      num: true,
      value: (p) => (
        <span className="degree" title="Shared commits ÷ the fewer commits of the two">
          <meter min={0} max={1} value={p.degree} aria-hidden="true" /> {Math.round(p.degree * 100)} %
        </span>
      ),
    },
  ];
  const note =
    `${formatCount(data.commits_considered)} commits considered` +
    (data.commits_skipped > 0 ? `, ${formatCount(data.commits_skipped)} skipped (more than ${data.max_files_per_commit} files)` : "") +
    `; pairs changed together at least ${data.min_shared} times`;
  return (
    <ResultSection title="Files that change together" table="pairs" onExport={onExport} note={note} testId="coupling-section">
      <ResultTable
        caption="Coupled files, highest degree first"
        rows={data.pairs}
        columns={columns}
        rowKey={(p) => `${p.a}\u0000${p.b}`}
        testId="coupling-table"
        empty="No pairs changed together often enough. Lower “Min. shared commits” or widen the range."
      />
    </ResultSection>
  );
}
