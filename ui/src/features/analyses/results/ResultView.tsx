import { leftOutText, resultLeftOut, type Aliases } from "../analysisRules";
import type { AliasSuggestion } from "../../../bindings/AliasSuggestion";
import type { AnalysisResult } from "../../../bindings/AnalysisResult";
import { ActivityResult } from "./ActivityResult";
import { AuthorsResult } from "./AuthorsResult";
import { ChurnResult, HotspotsResult } from "./ChurnResult";
import { CouplingResult } from "./CouplingResult";
import { OwnershipResult } from "./OwnershipResult";
import { StructureResult } from "./StructureResult";
import { TechSpecResult } from "./TechSpecResult";

interface Props {
  result: AnalysisResult;
  aliases: Aliases;
  busy: boolean;
  onExport: (table: string) => void;
  onOpenPath: (path: string) => void;
  onMerge: (suggestion: AliasSuggestion) => void;
  /** Narrows every analysis to a folder (churn and ownership offer it per folder). */
  onNarrow: (folder: string) => void;
}

/** A result, drawn the way its kind reads best, after what the filters left out. */
export function ResultView(props: Props) {
  const leftOut = resultLeftOut(props.result);
  const text = leftOut === null ? null : leftOutText(leftOut);
  return (
    <>
      {text !== null && (
        <p className="notice notice--muted analysis-left-out" data-testid="analysis-left-out">
          Left out by the filters: {text}
        </p>
      )}
      <KindResult {...props} />
    </>
  );
}

function KindResult({ result, aliases, busy, onExport, onOpenPath, onMerge, onNarrow }: Props) {
  switch (result.kind) {
    case "authors":
      return <AuthorsResult data={result.data} aliases={aliases} busy={busy} onExport={onExport} onMerge={onMerge} />;
    case "activity":
      return <ActivityResult data={result.data} onExport={onExport} />;
    case "churn":
      return <ChurnResult data={result.data} busy={busy} onExport={onExport} onOpenPath={onOpenPath} onNarrow={onNarrow} />;
    case "hotspots":
      return <HotspotsResult data={result.data} onExport={onExport} onOpenPath={onOpenPath} />;
    case "coupling":
      return <CouplingResult data={result.data} onExport={onExport} onOpenPath={onOpenPath} />;
    case "ownership":
      return <OwnershipResult data={result.data} busy={busy} onExport={onExport} onNarrow={onNarrow} />;
    case "techspec":
      return <TechSpecResult data={result.data} onExport={onExport} />;
    case "structure":
      return <StructureResult data={result.data} onExport={onExport} />;
  }
}
