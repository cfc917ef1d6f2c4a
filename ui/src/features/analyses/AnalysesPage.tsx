import { useEffect, useId, useState, type KeyboardEvent } from "react";

import {
  durationText,
  EMPTY_FORM,
  folderGlob,
  formChanged,
  formToParams,
  kindInfo,
  KINDS,
  mergeAlias,
  paramsSummary,
  paramsToForm,
  removeAlias,
  STATUS_LABELS,
  type Aliases,
  type ParamField,
  type ParamsForm as Form,
} from "./analysisRules";
import type { Loadable } from "../../shared/loadable";
import type { AliasSuggestion } from "../../bindings/AliasSuggestion";
import type { AnalysisKind } from "../../bindings/AnalysisKind";
import type { AnalysisParams } from "../../bindings/AnalysisParams";
import type { AnalysisRun } from "../../bindings/AnalysisRun";
import type { Repository } from "../../bindings/Repository";
import { formatUnixSeconds } from "../../shared/format";
import { useAnalysis } from "./useAnalysis";
import { useAnalysisExport } from "./useAnalysisExport";
import { AnalysisExportStatus } from "./AnalysisExportStatus";
import { ParamsForm } from "./ParamsForm";
import { ResultView } from "./results/ResultView";
import { RunList } from "./RunList";
import { RunProgress } from "./RunProgress";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import "./analyses.css";

interface Props {
  repos: Loadable<Repository[]>;
  /** The repository analysed (by name); null until one is chosen. */
  repository: string | null;
  onRepositoryChange: (name: string | null) => void;
  /** Opens History with the commits that changed `path` in `repository`. */
  onOpenPathHistory: (repository: string, path: string) => void;
}

/**
 * Analyses: pick a repository and a kind, set the parameters, Run (progress, Cancel); a stored
 * result is reused when nothing changed (Recompute forces a new run). Earlier runs open their
 * stored results. Each table exports through the save dialog; file paths open their commits.
 */
export function AnalysesPage({ repos, repository, onRepositoryChange, onOpenPathHistory }: Props) {
  const id = useId();
  const [kind, setKind] = useState<AnalysisKind>("authors");
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [errors, setErrors] = useState<Partial<Record<ParamField, string>>>({});
  const [aliases, setAliases] = useState<Aliases>({});
  const analysis = useAnalysis(repository);
  const exporter = useAnalysisExport();
  const names = repos.status === "ok" ? repos.data.map((r) => r.name) : [];

  // The first repository is chosen when none is (or the chosen one was removed).
  useEffect(() => {
    if (repos.status !== "ok") return;
    if (repository === null || !repos.data.some((r) => r.name === repository)) {
      onRepositoryChange(repos.data[0]?.name ?? null);
    }
  }, [repos, repository, onRepositoryChange]);

  const { shown } = analysis;
  const busy = analysis.running;
  const shownRun: AnalysisRun | null = shown.status === "run" ? shown.run : null;

  function run(params: AnalysisParams, force: boolean, runKind: AnalysisKind = kind) {
    if (repository === null || busy) return;
    void analysis.start({ repository, kind: runKind, params, force });
  }

  function runForm(nextAliases: Aliases = aliases, nextForm: Form = form) {
    const result = formToParams(kind, nextForm, nextAliases);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    run(result.params, false);
  }

  // A folder chosen in churn or ownership narrows this and every other analysis to it.
  function narrow(folder: string) {
    const next = { ...form, include: folderGlob(folder) };
    setForm(next);
    runForm(aliases, next);
  }

  function merge(suggestion: AliasSuggestion) {
    const next = mergeAlias(aliases, suggestion);
    setAliases(next);
    runForm(next);
  }

  // Opening a stored run puts its kind and parameters in the form (to change and run again).
  useEffect(() => {
    if (shownRun === null) return;
    setKind(shownRun.kind);
    setForm(paramsToForm(shownRun.kind, shownRun.params));
    setAliases(shownRun.params.aliases);
    setErrors({});
  }, [shownRun]);

  function onTabKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = KINDS[(index + step + KINDS.length) % KINDS.length]!;
    setKind(next.kind);
    document.getElementById(`${id}-tab-${next.kind}`)?.focus();
  }

  if (repos.status === "ok" && repos.data.length === 0) {
    return (
      <section className="page" aria-labelledby="page-title">
        <div className="page__head">
          <h1 id="page-title">Analyses</h1>
        </div>
        <div className="empty" data-testid="analyses-empty">
          <p className="empty__title">No repositories yet</p>
          <p>Add a repository on the Repositories page; once it is imported, its history can be analysed here.</p>
        </div>
      </section>
    );
  }

  const info = kindInfo(kind);
  return (
    <section className="page analyses" aria-labelledby="page-title">
      <div className="page__head">
        <div>
          <h1 id="page-title">Analyses</h1>
          <p className="page__summary">{info.about}</p>
        </div>
        <label className="visually-hidden" htmlFor={`${id}-repo`}>
          Repository
        </label>
        <select
          id={`${id}-repo`}
          className="input select"
          data-testid="analysis-repo"
          value={repository ?? ""}
          disabled={busy}
          onChange={(e) => onRepositoryChange(e.target.value === "" ? null : e.target.value)}
        >
          {repository === null && <option value="">Choose a repository</option>}
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>

      <div className="analysis-kinds" role="tablist" aria-label="Kind of analysis">
        {KINDS.map((k, index) => (
          <button
            key={k.kind}
            id={`${id}-tab-${k.kind}`}
            type="button"
            role="tab"
            aria-selected={k.kind === kind}
            tabIndex={k.kind === kind ? 0 : -1}
            className={`analysis-kinds__tab${k.kind === kind ? " analysis-kinds__tab--active" : ""}`}
            data-testid={`analysis-kind-${k.kind}`}
            title={k.about}
            onKeyDown={(e) => onTabKey(e, index)}
            onClick={() => {
              setKind(k.kind);
              setErrors({});
            }}
          >
            {k.label}
          </button>
        ))}
      </div>

      <form
        className="card analysis-run"
        onSubmit={(e) => {
          e.preventDefault();
          runForm();
        }}
      >
        <ParamsForm
          kind={kind}
          form={form}
          errors={errors}
          aliases={aliases}
          onChange={setForm}
          onRemoveAlias={(email) => setAliases(removeAlias(aliases, email))}
        />
        <div className="analysis-run__actions">
          <button type="submit" className="button button--primary" data-testid="analysis-run-button" disabled={busy || repository === null}>
            Run {info.label.toLowerCase()}
          </button>
          {formChanged(form) && (
            <button type="button" className="button" disabled={busy} onClick={() => { setForm(EMPTY_FORM); setErrors({}); }}>
              Reset
            </button>
          )}
        </div>
      </form>

      <div className="analysis-body">
        <div className="analysis-main" data-testid="analysis-result" data-status={shown.status}>
          {shown.status === "running" && (
            <RunProgress
              label={`${kindInfo(shown.request.kind).label} of ${shown.request.repository}`}
              progress={shown.progress}
              cancelling={shown.cancelling}
              onCancel={analysis.cancel}
            />
          )}
          {shown.status === "opening" && <p className="muted">Opening the run…</p>}
          {shown.status === "error" && <ErrorBanner error={shown.error} title="The analysis could not run" />}
          {shown.status === "none" && (
            <p className="empty" data-testid="analysis-none">
              Choose a kind and press Run, or open an earlier run on the right.
            </p>
          )}
          {shownRun !== null && (
            <RunInfo
              run={shownRun}
              busy={busy}
              onRecompute={() => run(shownRun.params, true, shownRun.kind)}
            />
          )}
          {shownRun !== null && shownRun.error !== null && (
            shownRun.status === "cancelled" ? (
              <p className="notice notice--muted" data-testid="analysis-cancelled">
                The run was cancelled. Press Run to start it again.
              </p>
            ) : (
              <ErrorBanner error={shownRun.error} title="The analysis failed" />
            )
          )}
          <AnalysisExportStatus state={exporter.state} onDismiss={exporter.dismiss} />
          {shownRun?.result != null && repository !== null && (
            <ResultView
              result={shownRun.result}
              aliases={aliases}
              busy={busy}
              onExport={(table) => void exporter.start(shownRun, repository, table)}
              onOpenPath={(path) => onOpenPathHistory(repository, path)}
              onMerge={merge}
              onNarrow={narrow}
            />
          )}
        </div>
        <aside className="card analysis-side" aria-labelledby={`${id}-runs`}>
          <h2 id={`${id}-runs`} className="card__title">
            Earlier runs
          </h2>
          <RunList runs={analysis.runs} current={shownRun?.id ?? null} disabled={busy} onOpen={analysis.open} />
        </aside>
      </div>
    </section>
  );
}

interface RunInfoProps {
  run: AnalysisRun;
  busy: boolean;
  onRecompute: () => void;
}

/** What the shown result is: kind, when, parameters, time taken, whether it was reused. */
function RunInfo({ run, busy, onRecompute }: RunInfoProps) {
  return (
    <div className="analysis-run-info" data-testid="analysis-run-info" data-run-id={run.id} data-kind={run.kind} data-status={run.status} data-reused={run.reused}>
      <strong>{kindInfo(run.kind).label}</strong>
      <span className="muted">
        {STATUS_LABELS[run.status]} {formatUnixSeconds(run.finished_at ?? run.created_at)} · {paramsSummary(run.kind, run.params)}
        {run.duration_ms !== null ? ` · ${durationText(run.duration_ms)}` : ""}
      </span>
      {run.reused && (
        <span className="badge badge--muted" data-testid="analysis-reused" title="Nothing changed since this result was computed, so it was reused">
          reused
        </span>
      )}
      <span className="spacer" />
      <button type="button" className="button button--small" data-testid="analysis-recompute" disabled={busy} onClick={onRecompute} title="Compute again even though nothing changed">
        Recompute
      </button>
    </div>
  );
}
