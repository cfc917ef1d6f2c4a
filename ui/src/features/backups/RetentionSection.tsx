import { useEffect, useId, useState } from "react";

import { api } from "../../shared/api";
import type { BackupSettings } from "../../bindings/BackupSettings";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { RetentionDecision } from "../../bindings/RetentionDecision";
import { formatTime, parseRetention, removalReason, removals, RETENTION_FIELDS, retentionForm, type RetentionForm } from "./backupRules";
import { normalizeError } from "../../shared/errors";
import { usePruneBackups, useSaveBackupSettings } from "./queries";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  settings: BackupSettings;
  /** Blocks Apply while a backup job runs (the backend runs one at a time). */
  busy: boolean;
}

type Outcome =
  | { status: "idle" }
  | { status: "previewing" }
  | { status: "preview"; decisions: RetentionDecision[] }
  | { status: "applying" }
  | { status: "applied"; removed: number }
  | { status: "error"; title: string; error: ErrorPayload };

/** Retention: keep last / daily / weekly / monthly; Preview (a dry run) and Apply (saved, then pruned). */
export function RetentionSection({ settings, busy }: Props) {
  const id = useId();
  // Apply saves the policy (the page's settings become the answer) and prunes (the list reloads).
  const saveSettings = useSaveBackupSettings();
  const prune = usePruneBackups();
  const [form, setForm] = useState<RetentionForm>(() => retentionForm(settings.retention));
  const [outcome, setOutcome] = useState<Outcome>({ status: "idle" });
  const [confirming, setConfirming] = useState(false);
  const check = parseRetention(form);

  // A newly saved policy fills the form (saving the destinations does not reset edits here).
  const savedKey = JSON.stringify(settings.retention);
  useEffect(() => setForm(retentionForm(JSON.parse(savedKey) as BackupSettings["retention"])), [savedKey]);

  async function preview() {
    if (!check.ok) return;
    setOutcome({ status: "previewing" });
    try {
      setOutcome({ status: "preview", decisions: await api.pruneBackups(check.policy, true) });
    } catch (e) {
      setOutcome({ status: "error", title: "Could not preview the policy", error: normalizeError(e) });
    }
  }

  async function apply() {
    if (!check.ok) return;
    setOutcome({ status: "applying" });
    try {
      await saveSettings.mutateAsync({ ...settings, retention: check.policy });
      const decisions = await prune.mutateAsync(check.policy);
      setOutcome({ status: "applied", removed: removals(decisions).length });
    } catch (e) {
      setOutcome({ status: "error", title: "Could not apply the policy", error: normalizeError(e) });
    } finally {
      setConfirming(false);
    }
  }

  const working = outcome.status === "previewing" || outcome.status === "applying";
  return (
    <section className="settings__section" aria-labelledby={`${id}-title`} data-testid="retention">
      <h2 id={`${id}-title`} className="section-title">
        Retention
      </h2>
      <p className="muted settings__hint">
        Which backups are kept in the destinations; the others are removed when the policy is applied (and after each run
        of a schedule that uses it). Leave a box empty to not use that rule.
      </p>
      <form
        className="retention__form"
        onSubmit={(e) => {
          e.preventDefault();
          void preview();
        }}
      >
        {RETENTION_FIELDS.map(({ key, label, hint }) => {
          const error = check.ok ? undefined : check.errors[key];
          return (
            <div className="field" key={key}>
              <label htmlFor={`${id}-${key}`}>{label}</label>
              <input
                id={`${id}-${key}`}
                className="input retention__input"
                inputMode="numeric"
                data-testid={`retention-${key.replace("_", "-")}`}
                value={form[key]}
                title={hint}
                aria-invalid={error !== undefined}
                aria-describedby={`${id}-${key}-hint`}
                onChange={(e) => {
                  setForm({ ...form, [key]: e.target.value });
                  setOutcome({ status: "idle" });
                }}
              />
              <span id={`${id}-${key}-hint`} className={error === undefined ? "muted retention__hint" : "filter-row__error"}>
                {error ?? hint}
              </span>
            </div>
          );
        })}
        <div className="retention__actions">
          <button type="submit" className="button" data-testid="retention-preview" aria-disabled={!check.ok || working}>
            {outcome.status === "previewing" ? "Previewing…" : "Preview"}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="retention-apply"
            aria-disabled={!check.ok || working || busy}
            onClick={() => {
              if (check.ok && !working && !busy) setConfirming(true);
            }}
          >
            Apply…
          </button>
        </div>
      </form>
      {!check.ok && (
        <p className="filter-row__error" data-testid="retention-invalid" role="status">
          {check.message}
        </p>
      )}
      <RetentionOutcome outcome={outcome} />
      {confirming && (
        <ConfirmDialog
          title="Apply this retention policy?"
          message="The policy is saved, and the backups it does not keep are deleted from the destinations now. Use Preview first to see which."
          confirmLabel={outcome.status === "applying" ? "Applying…" : "Apply and delete"}
          busy={outcome.status === "applying"}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void apply()}
        />
      )}
    </section>
  );
}

function RetentionOutcome({ outcome }: { outcome: Outcome }) {
  switch (outcome.status) {
    case "error":
      return <ErrorBanner error={outcome.error} title={outcome.title} />;
    case "applied":
      return (
        <p className="notice" role="status" data-testid="retention-applied">
          Policy saved; {outcome.removed === 1 ? "1 backup was" : `${outcome.removed} backups were`} removed.
        </p>
      );
    case "preview": {
      const gone = removals(outcome.decisions);
      if (gone.length === 0) {
        return (
          <p className="notice" role="status" data-testid="retention-preview-result" data-count={0}>
            Nothing would be removed: the policy keeps all {outcome.decisions.length} backups.
          </p>
        );
      }
      return (
        <div className="notice notice--muted retention__preview" data-testid="retention-preview-result" data-count={gone.length}>
          <p>
            {gone.length === 1 ? "1 backup" : `${gone.length} backups`} of {outcome.decisions.length} would be removed:
          </p>
          <ul>
            {gone.map((d) => (
              <li key={d.backup.path} data-testid="retention-removal" data-path={d.backup.path}>
                <strong>{formatTime(d.backup.created_at)}</strong> <span className="mono">{d.backup.name}</span> — {removalReason(d)}
              </li>
            ))}
          </ul>
        </div>
      );
    }
    default:
      return null;
  }
}
