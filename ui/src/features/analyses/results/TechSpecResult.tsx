import type { Dependency } from "../../../bindings/Dependency";
import type { Framework } from "../../../bindings/Framework";
import type { LanguageStats } from "../../../bindings/LanguageStats";
import type { ParseFailure } from "../../../bindings/ParseFailure";
import type { TechSpecReport } from "../../../bindings/TechSpecReport";
import { formatCount } from "../../../shared/format";
import { RankBars } from "./LazyCharts";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";

interface Props {
  data: TechSpecReport;
  onExport: (table: string) => void;
}

const n = (v: number) => formatCount(v);

const LANGUAGE_COLUMNS: Column<LanguageStats>[] = [
  { label: "Language", testId: "language-name", value: (l) => l.language },
  { label: "Files", num: true, testId: "language-files", value: (l) => n(l.files) },
  { label: "Code", num: true, value: (l) => n(l.code) },
  { label: "Comments", num: true, value: (l) => n(l.comments) },
  { label: "Blanks", num: true, value: (l) => n(l.blanks) },
  { label: "Lines", num: true, testId: "language-lines", value: (l) => n(l.lines) },
];

const DEPENDENCY_COLUMNS: Column<Dependency>[] = [
  { label: "Manifest", value: (d) => <span className="path">{d.manifest}</span> },
  { label: "Ecosystem", value: (d) => d.ecosystem },
  { label: "Name", value: (d) => <span className="mono">{d.name}</span> },
  { label: "Version", value: (d) => (d.version === null ? <span className="muted">any</span> : <span className="mono">{d.version}</span>) },
  { label: "Kind", value: (d) => (d.kind === "normal" ? d.kind : <span className="badge badge--muted">{d.kind}</span>) },
];

const FRAMEWORK_COLUMNS: Column<Framework>[] = [
  { label: "Framework", value: (f) => f.name },
  { label: "Ecosystem", value: (f) => f.ecosystem },
  { label: "Manifest", value: (f) => <span className="path">{f.manifest}</span> },
];

export const FAILURE_COLUMNS: Column<ParseFailure>[] = [
  { label: "File", value: (f) => <span className="path">{f.path}</span> },
  { label: "Why", value: (f) => f.error },
];

/** Languages (chart and table), dependencies and frameworks from the manifests, and what failed to parse. */
export function TechSpecResult({ data, onExport }: Props) {
  const facts = `${n(data.files)} files at ${data.revision.slice(0, 10)}; ${n(data.binary_files)} binary, ${n(data.unrecognised_files)} unrecognised`;
  return (
    <>
      <ResultSection title="Languages" table="languages" onExport={onExport} note={facts} testId="techspec-languages">
        {data.languages.length > 0 && <RankBars data={data.languages.map((l) => ({ name: l.language, value: l.code }))} label="Lines of code" />}
        <ResultTable
          caption="Languages by lines of code"
          rows={data.languages}
          columns={LANGUAGE_COLUMNS}
          rowKey={(l) => l.language}
          testId="languages-table"
          empty="No source files were recognised at this revision."
        />
      </ResultSection>
      <ResultSection
        title="Dependencies"
        table="dependencies"
        onExport={onExport}
        note={`${n(data.dependencies.length)} from ${n(data.manifests.length)} ${data.manifests.length === 1 ? "manifest" : "manifests"}`}
        testId="techspec-dependencies"
      >
        <ResultTable
          caption="Dependencies by manifest"
          rows={data.dependencies}
          columns={DEPENDENCY_COLUMNS}
          rowKey={(d, i) => `${d.manifest}:${d.name}:${d.kind}:${i}`}
          testId="dependencies-table"
          empty="No manifests (Cargo.toml, package.json, requirements.txt, go.mod, pom.xml, Gemfile, …) at this revision."
        />
      </ResultSection>
      {data.frameworks.length > 0 && (
        <ResultSection title="Frameworks" table="frameworks" onExport={onExport} testId="techspec-frameworks">
          <ResultTable caption="Frameworks" rows={data.frameworks} columns={FRAMEWORK_COLUMNS} rowKey={(f) => `${f.manifest}:${f.name}`} testId="frameworks-table" empty="" />
        </ResultSection>
      )}
      {data.parse_failures > 0 && (
        <ResultSection title="Files that could not be read" table="failures" onExport={onExport} note={`${n(data.parse_failures)} files`} testId="techspec-failures">
          <ResultTable caption="Parse failures" rows={data.failures} columns={FAILURE_COLUMNS} rowKey={(f) => f.path} testId="techspec-failures-table" empty="" />
        </ResultSection>
      )}
    </>
  );
}
