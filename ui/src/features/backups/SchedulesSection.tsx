import { useId, useState, type FormEvent } from "react";

import type { Loadable } from "../../shared/loadable";
import type { BackupSettings } from "../../bindings/BackupSettings";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { Schedule } from "../../bindings/Schedule";
import {
  cronSpec,
  describeSpec,
  formatDuration,
  formatTime,
  localTimeZone,
  presetExpression,
  PRESETS,
  scheduleFailed,
  scheduleProblem,
  type PresetId,
} from "./backupRules";
import { normalizeError } from "../../shared/errors";
import { useAddSchedule, useRemoveSchedule } from "./queries";
import { useSchedulePreview } from "./useSchedulePreview";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  schedules: Loadable<Schedule[]>;
  /** The destinations and retention a new schedule uses. */
  settings: BackupSettings | null;
}

/** Scheduled backups: the list (next run, last result and error) and Add with presets or cron. */
export function SchedulesSection({ schedules, settings }: Props) {
  const id = useId();
  const [removing, setRemoving] = useState<{ name: string; running: boolean } | null>(null);
  const [error, setError] = useState<{ title: string; error: ErrorPayload } | null>(null);
  // Removing one fetches the lists again (see `useRemoveSchedule`).
  const removeSchedule = useRemoveSchedule();

  async function remove(name: string) {
    setRemoving({ name, running: true });
    try {
      await removeSchedule.mutateAsync(name);
      setError(null);
    } catch (e) {
      setError({ title: `Could not remove the schedule ${name}`, error: normalizeError(e) });
    } finally {
      setRemoving(null);
    }
  }

  return (
    <section className="settings__section" aria-labelledby={`${id}-title`} data-testid="schedules">
      <h2 id={`${id}-title`} className="section-title">
        Schedules
      </h2>
      {error !== null && <ErrorBanner error={error.error} title={error.title} />}
      <ScheduleTable schedules={schedules} onRemove={(name) => setRemoving({ name, running: false })} />
      <AddSchedule
        settings={settings}
        names={schedules.status === "ok" ? schedules.data.map((s) => s.name) : []}
        onAdded={() => setError(null)}
      />
      {removing !== null && (
        <ConfirmDialog
          title={`Remove the schedule ${removing.name}?`}
          message="No more backups are made on this schedule. The backups it made are kept."
          confirmLabel={removing.running ? "Removing…" : "Remove"}
          busy={removing.running}
          onCancel={() => setRemoving(null)}
          onConfirm={() => void remove(removing.name)}
        />
      )}
    </section>
  );
}

function ScheduleTable({ schedules, onRemove }: { schedules: Loadable<Schedule[]>; onRemove: (name: string) => void }) {
  if (schedules.status === "loading") return <p className="muted">Loading the schedules…</p>;
  if (schedules.status === "error") return <ErrorBanner error={schedules.error} title="Could not read the schedules" />;
  if (schedules.data.length === 0) {
    return (
      <p className="empty" data-testid="schedules-empty">
        No schedules yet: backups are made only when you press Create now. Add one below (daily at 03:00 is a good start).
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" data-testid="schedule-list">
        <caption className="visually-hidden">Backup schedules</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">When</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {schedules.data.map((s) => {
            const failed = scheduleFailed(s);
            return (
              <tr key={s.id} data-testid="schedule-row" data-name={s.name} data-failed={failed}>
                <th scope="row">
                  {s.name}
                  {!s.enabled && <span className="badge badge--muted">off</span>}
                </th>
                <td className="mono" data-testid="schedule-spec">
                  {describeSpec(s.spec)}
                </td>
                <td data-testid="schedule-next">
                  {s.next_run_at === null ? <span className="muted">—</span> : <time dateTime={s.next_run_at}>{formatTime(s.next_run_at)}</time>}
                </td>
                <td data-testid="schedule-last">
                  {s.last_run_at === null ? (
                    <span className="muted">never run</span>
                  ) : (
                    <>
                      <span className={`badge${failed ? " badge--error" : ""}`} data-testid="schedule-last-result">
                        {s.last_result ?? "unknown"}
                      </span>{" "}
                      <time dateTime={s.last_run_at}>{formatTime(s.last_run_at)}</time>
                      {s.last_duration_ms !== null && <span className="muted"> · {formatDuration(s.last_duration_ms)}</span>}
                    </>
                  )}
                  {s.last_error !== null && (
                    <div className="schedule__error" role="alert" data-testid="schedule-error">
                      <strong>Last run failed:</strong> {s.last_error}
                    </div>
                  )}
                </td>
                <td>
                  <button type="button" className="button button--small button--danger" data-testid="schedule-remove" onClick={() => onRemove(s.name)}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AddSchedule({ settings, names, onAdded }: { settings: BackupSettings | null; names: string[]; onAdded: () => void }) {
  const id = useId();
  const [preset, setPreset] = useState<PresetId>("daily");
  const [custom, setCustom] = useState("");
  const [name, setName] = useState("");
  const [useRetention, setUseRetention] = useState(true);
  // Adding one fetches the lists again (see `useAddSchedule`).
  const addSchedule = useAddSchedule();
  const adding = addSchedule.isPending;
  const [problem, setProblem] = useState<ErrorPayload | null>(null);
  const timezone = localTimeZone();
  const expression = presetExpression(preset, custom);
  const spec = expression === "" ? null : cronSpec(expression, timezone);
  const preview = useSchedulePreview(spec);
  const suggested = preset === "custom" ? "" : PRESETS.find((p) => p.id === preset)?.name ?? "";
  const effectiveName = name.trim() === "" ? suggested : name.trim();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (adding) return;
    const why = scheduleProblem(effectiveName, expression, names);
    if (why !== null || spec === null) {
      setProblem({ code: "validation", message: why ?? "Enter a cron expression." });
      return;
    }
    if (settings === null) {
      setProblem({ code: "validation", message: "The destinations could not be read; a schedule needs them." });
      return;
    }
    setProblem(null);
    try {
      await addSchedule.mutateAsync({
        name: effectiveName,
        spec,
        destinations: settings.destinations,
        retention: useRetention ? settings.retention : null,
        enabled: true,
      });
      setName("");
      onAdded();
    } catch (e) {
      setProblem(normalizeError(e));
    }
  }

  return (
    <form className="card schedule-add" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="card__title">
        Add a schedule
      </h3>
      <div className="segmented" role="radiogroup" aria-label="When">
        {[...PRESETS, { id: "custom" as const, label: "Custom (cron)" }].map((p) => (
          <label key={p.id} className="segmented__option">
            <input
              type="radio"
              name={`${id}-preset`}
              value={p.id}
              data-testid={`schedule-preset-${p.id}`}
              checked={preset === p.id}
              onChange={() => setPreset(p.id)}
            />
            {p.label}
          </label>
        ))}
      </div>
      <div className="schedule-add__fields">
        {preset === "custom" && (
          <div className="field">
            <label htmlFor={`${id}-cron`}>Cron expression</label>
            <input
              id={`${id}-cron`}
              className="input input--mono"
              data-testid="schedule-cron"
              value={custom}
              placeholder="minute hour day month weekday, e.g. 30 2 * * 1-5"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setCustom(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            className="input"
            data-testid="schedule-name"
            value={name}
            placeholder={suggested === "" ? "e.g. weekdays" : suggested}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <label className="check">
          <input type="checkbox" checked={useRetention} onChange={(e) => setUseRetention(e.target.checked)} data-testid="schedule-retention" />
          Apply the retention policy after each run
        </label>
        <button type="submit" className="button button--primary" data-testid="schedule-add" aria-disabled={adding} aria-busy={adding}>
          {adding ? "Adding…" : "Add schedule"}
        </button>
      </div>
      <div className="schedule-preview" data-testid="schedule-preview" data-state={preview.status} aria-live="polite">
        {preview.status === "idle" && <span className="muted">Type a cron expression to see its next runs.</span>}
        {preview.status === "loading" && <span className="muted">Working out the next runs…</span>}
        {preview.status === "error" && (
          <span className="schedule__error" data-testid="schedule-preview-error">
            {preview.error.message}
          </span>
        )}
        {preview.status === "ok" && (
          <>
            <span className="muted">
              Next runs{timezone === null ? "" : ` (${timezone})`}:
            </span>
            <ol className="schedule-preview__runs">
              {preview.runs.map((run) => (
                <li key={run} data-testid="schedule-preview-time">
                  <time dateTime={run}>{formatTime(run)}</time>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
      {problem !== null && <ErrorBanner error={problem} title="Cannot add the schedule" />}
    </form>
  );
}
