import { useEffect, useId, useState } from "react";

import type { BackupSettings } from "../../bindings/BackupSettings";
import { automaticForm, parseAutomatic, sameAutomatic, type AutomaticForm } from "./backupRules";
import { mutationError } from "../../shared/query/queryClient";
import { useSaveBackupSettings } from "./queries";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  /** The saved settings (saving here replaces them for the whole page). */
  settings: BackupSettings;
}

/** Automatic backups: before an import of more than N commits, and when the app closes; Save. */
export function AutomaticBackupsSection({ settings }: Props) {
  const id = useId();
  const [form, setForm] = useState<AutomaticForm>(() => automaticForm(settings));
  const saveSettings = useSaveBackupSettings();
  const saving = saveSettings.isPending;
  const error = mutationError(saveSettings);
  const [saved, setSaved] = useState(false);

  // Newly saved values fill the form (saving the retention or destinations does not reset edits here).
  const savedKey = JSON.stringify([settings.large_import_backup, settings.large_import_backup_threshold, settings.backup_on_exit]);
  useEffect(() => {
    const [large_import_backup, large_import_backup_threshold, backup_on_exit] = JSON.parse(savedKey) as [boolean, number, boolean];
    setForm(automaticForm({ large_import_backup, large_import_backup_threshold, backup_on_exit }));
  }, [savedKey]);

  const check = parseAutomatic(form, settings.large_import_backup_threshold);
  const changed = !check.ok || !sameAutomatic(check.settings, settings);

  function edit(next: AutomaticForm) {
    setForm(next);
    setSaved(false);
  }

  async function save() {
    if (!check.ok || !changed || saving) return;
    try {
      await saveSettings.mutateAsync({ ...settings, ...check.settings });
      setSaved(true);
    } catch {
      // Shown from the mutation's error.
    }
  }

  return (
    <section className="settings__section" aria-labelledby={`${id}-title`} data-testid="automatic-backups">
      <h2 id={`${id}-title`} className="section-title">
        Automatic backups
      </h2>
      <p className="muted settings__hint">
        Taken into the destinations below, only when the store already has commits. If the backup before an import fails,
        the import does not start.
      </p>
      <form
        className="automatic__form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field__row">
          <label className="check">
            <input
              type="checkbox"
              checked={form.largeImport}
              data-testid="large-import-backup"
              onChange={(e) => edit({ ...form, largeImport: e.target.checked })}
            />
            <span>Back up before importing more than</span>
          </label>
          <input
            id={`${id}-threshold`}
            className="input retention__input"
            inputMode="numeric"
            aria-label="Commits"
            data-testid="large-import-threshold"
            value={form.threshold}
            disabled={!form.largeImport}
            aria-invalid={!check.ok}
            aria-describedby={`${id}-threshold-hint`}
            onChange={(e) => edit({ ...form, threshold: e.target.value })}
          />
          <span>commits</span>
        </div>
        <div className="field__row">
          <label className="check">
            <input type="checkbox" checked={form.onExit} data-testid="backup-on-exit" onChange={(e) => edit({ ...form, onExit: e.target.checked })} />
            <span>Back up when RepoVault closes</span>
          </label>
        </div>
        <p id={`${id}-threshold-hint`} className="muted settings__hint">
          On closing, RepoVault waits for the backup to finish; it is skipped while an import or another backup runs.
        </p>
        <div className="destinations__save">
          <button
            type="submit"
            className="button button--primary"
            data-testid="automatic-save"
            aria-disabled={!check.ok || !changed || saving}
            title={check.ok ? (changed ? "Save the automatic backups" : "Nothing changed") : check.message}
          >
            {saving ? "Saving…" : "Save"}
          </button>
          {!check.ok && (
            <span className="filter-row__error" role="status" data-testid="automatic-problem">
              {check.message}
            </span>
          )}
          {saved && !changed && (
            <span className="muted" role="status" data-testid="automatic-saved">
              Saved.
            </span>
          )}
        </div>
      </form>
      {error !== null && <ErrorBanner error={error} title="Could not save the automatic backups" />}
    </section>
  );
}
