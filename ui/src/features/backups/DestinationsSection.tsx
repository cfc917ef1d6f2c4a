import { open } from "@tauri-apps/plugin-dialog";
import { useEffect, useId, useState } from "react";

import type { BackupSettings } from "../../bindings/BackupSettings";
import type { Destination } from "../../bindings/Destination";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { addDestination, destinationsProblem, sameDestinations } from "./backupRules";
import { normalizeError } from "../../shared/errors";
import { useSaveBackupSettings } from "./queries";
import { ErrorBanner } from "../../shared/components/ErrorBanner";

interface Props {
  /** The saved settings (saving here replaces them for the whole page). */
  settings: BackupSettings;
}

/** Where manual backups go: folders, each enabled or not; add (typed or picked), remove, Save. */
export function DestinationsSection({ settings }: Props) {
  const id = useId();
  const [list, setList] = useState<Destination[]>(settings.destinations);
  const [path, setPath] = useState("");
  const saveSettings = useSaveBackupSettings();
  const saving = saveSettings.isPending;
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [saved, setSaved] = useState(false);

  // Newly saved destinations replace the list (saving the retention does not reset edits here).
  const savedKey = JSON.stringify(settings.destinations);
  useEffect(() => setList(JSON.parse(savedKey) as Destination[]), [savedKey]);

  const changed = !sameDestinations(list, settings.destinations);
  const problem = destinationsProblem(list);

  function add(folder: string) {
    setList((current) => addDestination(current, folder));
    setPath("");
    setSaved(false);
  }

  async function browse() {
    try {
      const picked = await open({ directory: true, multiple: false, title: "Choose a folder for backups" });
      if (typeof picked === "string") add(picked);
    } catch (e) {
      setError(normalizeError(e));
    }
  }

  async function save() {
    if (problem !== null || saving) return;
    setError(null);
    try {
      await saveSettings.mutateAsync({ ...settings, destinations: list.map((d) => ({ ...d, path: d.path.trim() })) });
      setSaved(true);
    } catch (e) {
      setError(normalizeError(e));
    }
  }

  return (
    <section className="settings__section" aria-labelledby={`${id}-title`} data-testid="destinations">
      <h2 id={`${id}-title`} className="section-title">
        Destinations
      </h2>
      <p className="muted settings__hint">
        A backup goes to every enabled folder (for example a local one and an archive disk); one failing folder does not
        stop the others. The safety backup before a restore goes there too.
      </p>
      {list.length === 0 ? (
        <p className="empty" data-testid="destinations-empty">
          No destination: add a folder below, or backups have nowhere to go.
        </p>
      ) : (
        <ul className="destinations" data-testid="destination-list">
          {list.map((d, index) => (
            <li key={`${d.path}-${index}`} className="destination" data-testid="destination-row" data-path={d.path}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={d.enabled}
                  data-testid="destination-enabled"
                  onChange={(e) => {
                    setList(list.map((x, i) => (i === index ? { ...x, enabled: e.target.checked } : x)));
                    setSaved(false);
                  }}
                />
                <span className="mono destination__path">{d.path}</span>
              </label>
              <button
                type="button"
                className="button button--small"
                data-testid="destination-remove"
                aria-label={`Remove ${d.path}`}
                onClick={() => {
                  setList(list.filter((_, i) => i !== index));
                  setSaved(false);
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="destinations__add"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim() !== "") add(path);
        }}
      >
        <div className="field field--grow">
          <label htmlFor={`${id}-path`}>Folder</label>
          <div className="field__row">
            <input
              id={`${id}-path`}
              className="input input--mono"
              data-testid="destination-path"
              value={path}
              placeholder="/mnt/archive/repovault"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="button" className="button" data-testid="destination-browse" onClick={() => void browse()}>
              Browse…
            </button>
            <button type="submit" className="button" data-testid="destination-add" aria-disabled={path.trim() === ""}>
              Add
            </button>
          </div>
        </div>
      </form>
      <div className="destinations__save">
        <button
          type="button"
          className="button button--primary"
          data-testid="destinations-save"
          aria-disabled={!changed || problem !== null || saving}
          title={problem ?? (changed ? "Save the destinations" : "Nothing changed")}
          onClick={() => {
            if (changed) void save();
          }}
        >
          {saving ? "Saving…" : "Save"}
        </button>
        {changed && problem !== null && (
          <span className="filter-row__error" data-testid="destinations-problem">
            {problem}
          </span>
        )}
        {saved && !changed && (
          <span className="muted" role="status" data-testid="destinations-saved">
            Saved.
          </span>
        )}
      </div>
      {error !== null && <ErrorBanner error={error} title="Could not save the destinations" />}
    </section>
  );
}
