import type { FunctionRef } from "../../../bindings/FunctionRef";
import type { LanguageStructure } from "../../../bindings/LanguageStructure";
import type { StructureReport } from "../../../bindings/StructureReport";
import { formatCount } from "../../../shared/format";
import { ResultSection } from "./ResultSection";
import { ResultTable, type Column } from "./ResultTable";
import { FAILURE_COLUMNS } from "./TechSpecResult";

interface Props {
  data: StructureReport;
  onExport: (table: string) => void;
}

const n = (v: number) => formatCount(v);

const LANGUAGE_COLUMNS: Column<LanguageStructure>[] = [
  { label: "Language", value: (l) => l.language },
  { label: "Files", num: true, value: (l) => n(l.files) },
  { label: "Lines", num: true, value: (l) => n(l.lines) },
  { label: "Functions", num: true, value: (l) => n(l.functions) },
  { label: "Methods", num: true, value: (l) => n(l.methods) },
  { label: "Types", num: true, value: (l) => n(l.types) },
];

const FUNCTION_COLUMNS: Column<FunctionRef>[] = [
  { label: "Function", value: (f) => <span className="mono">{f.name}</span> },
  { label: "Kind", value: (f) => f.kind },
  { label: "File", value: (f) => <span className="path" title={`${f.path}:${f.start_line}`}>{`${f.path}:${f.start_line}–${f.end_line}`}</span> },
  { label: "Lines", num: true, value: (f) => n(f.lines) },
  { label: "Nesting", num: true, value: (f) => n(f.depth) },
];

/** Totals per language, the largest and most nested functions, and files that failed to parse. */
export function StructureResult({ data, onExport }: Props) {
  return (
    <>
      <ResultSection
        title="Per language"
        table="languages"
        onExport={onExport}
        note={`${n(data.files_parsed)} files parsed at ${data.revision.slice(0, 10)}`}
        testId="structure-languages"
      >
        <ResultTable
          caption="Code structure per language"
          rows={data.languages}
          columns={LANGUAGE_COLUMNS}
          rowKey={(l) => l.language}
          testId="structure-languages-table"
          empty="No files in a supported language (Rust, Python, JavaScript/TypeScript, Go, Java, …) at this revision."
        />
      </ResultSection>
      <ResultSection title="Largest functions" table="largest_functions" onExport={onExport} testId="structure-largest">
        <ResultTable
          caption="Largest functions, most lines first"
          rows={data.largest_functions}
          columns={FUNCTION_COLUMNS}
          rowKey={(f, i) => `${f.path}:${f.start_line}:${i}`}
          testId="largest-functions-table"
          empty="No functions found."
        />
      </ResultSection>
      <ResultSection title="Most nested functions" table="most_nested_functions" onExport={onExport} testId="structure-nested">
        <ResultTable
          caption="Most nested functions, deepest first"
          rows={data.most_nested_functions}
          columns={FUNCTION_COLUMNS}
          rowKey={(f, i) => `${f.path}:${f.start_line}:${i}`}
          testId="nested-functions-table"
          empty="No functions found."
        />
      </ResultSection>
      <ResultSection
        title="Parse failures"
        table="failures"
        onExport={onExport}
        note={data.parse_failures === 0 ? "none" : `${n(data.parse_failures)} files`}
        testId="structure-failures"
      >
        <ResultTable
          caption="Files that failed to parse"
          rows={data.failures}
          columns={FAILURE_COLUMNS}
          rowKey={(f) => f.path}
          testId="structure-failures-table"
          empty="Every file parsed."
        />
      </ResultSection>
    </>
  );
}
