/**
 * The one progress shape of long work, generated from Rust (`Progress<P>`: a phase, done and total
 * in that phase's units, and a rate where the work has one), named for each kind of work.
 */
import type { BackupPhase } from "../bindings/BackupPhase";
import type { CopyPhase } from "../bindings/CopyPhase";
import type { ImportPhase } from "../bindings/ImportPhase";
import type { Progress } from "../bindings/Progress";

export type { Progress };
export type ImportProgress = Progress<ImportPhase>;
export type BackupProgress = Progress<BackupPhase>;
export type CopyProgress = Progress<CopyPhase>;
/** The phase is the analysis kind or a step such as reading files. */
export type AnalysisProgress = Progress<string>;
/** Phase `writing`; `done` commits written of `total` matching (which may be a lower bound). */
export type ExportProgress = Progress<string>;
