import type { Aliases } from "../analysisRules";
import { isMerged } from "../analysisRules";
import type { AliasSuggestion } from "../../../bindings/AliasSuggestion";
import type { AuthorStats } from "../../../bindings/AuthorStats";
import type { AuthorsReport } from "../../../bindings/AuthorsReport";
import { formatCount, formatUnixSeconds } from "../../../shared/format";
import { RankBars } from "./LazyCharts";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";

interface Props {
  data: AuthorsReport;
  aliases: Aliases;
  onExport: (table: string) => void;
  /** Merges a suggestion's identities into one author and runs again. */
  onMerge: (suggestion: AliasSuggestion) => void;
  /** Running: merging waits. */
  busy: boolean;
}

const day = (seconds: number) => formatUnixSeconds(seconds).replace(/,? \d{1,2}:\d{2}.*$/, "");

const COLUMNS: Column<AuthorStats>[] = [
  {
    label: "Author",
    testId: "author-name",
    value: (a) => (
      <span title={a.identities.map((i) => `${i.name} <${i.email}>`).join("\n")}>
        {a.name} <span className="muted">&lt;{a.email}&gt;</span>
        {a.identities.length > 1 && <span className="badge badge--muted">{a.identities.length} identities</span>}
      </span>
    ),
  },
  { label: "Commits", num: true, testId: "author-commits", value: (a) => formatCount(a.commits) },
  { label: "Added", num: true, value: (a) => <span className="added">+{formatCount(a.additions)}</span> },
  { label: "Deleted", num: true, value: (a) => <span className="removed">−{formatCount(a.deletions)}</span> },
  { label: "First commit", value: (a) => day(a.first_commit) },
  { label: "Last commit", value: (a) => day(a.last_commit) },
  { label: "Active days", num: true, value: (a) => formatCount(a.active_days) },
];

/** Commits per author (bar chart and table), and identities that are probably one person. */
export function AuthorsResult({ data, aliases, onExport, onMerge, busy }: Props) {
  const open = data.likely_aliases.filter((s) => !isMerged(aliases, s));
  return (
    <>
      <ResultSection
        title="Authors"
        table="authors"
        onExport={onExport}
        note={`${formatCount(data.authors.length)} authors, ${formatCount(data.total_commits)} commits`}
        testId="authors-section"
      >
        {data.authors.length > 0 && <RankBars data={data.authors.map((a) => ({ name: a.name, value: a.commits }))} label="Commits" />}
        <ResultTable
          caption="Authors by commits"
          rows={data.authors}
          columns={COLUMNS}
          rowKey={(a) => `${a.name}<${a.email}>`}
          testId="authors-table"
          empty="No commits in this range. Widen the dates or clear the branches."
        />
      </ResultSection>
      {open.length > 0 && (
        <ResultSection title="Likely aliases" table="likely_aliases" onExport={onExport} testId="aliases-section">
          <p className="muted">These identities look like one person. Merge them to count their commits together.</p>
          <ul className="alias-list" data-testid="alias-suggestions">
            {open.map((s) => {
              const key = s.identities.map((i) => i.email).join("|");
              return (
                <li key={key} className="alias-list__item" data-testid="alias-suggestion">
                  <span>
                    {s.identities.map((i) => `${i.name} <${i.email}>`).join(" · ")}{" "}
                    <span className="muted">({s.reason === "same_name" ? "same name" : "same e-mail name"})</span>
                  </span>
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="alias-merge"
                    disabled={busy}
                    title={`Count them as ${s.identities[0]?.name ?? ""} and run again`}
                    onClick={() => onMerge(s)}
                  >
                    Merge
                  </button>
                </li>
              );
            })}
          </ul>
        </ResultSection>
      )}
    </>
  );
}
