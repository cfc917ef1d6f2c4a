import { useState } from "react";

import type { AppInfo } from "../../shared/api";
import type { Loadable } from "../../shared/loadable";
import { DatabaseSettings } from "./DatabaseSettings";
import { MirrorSettings } from "../mirror/MirrorSettings";
import { TeamNote } from "../workspaces/TeamNote";
import { applyTheme, loadTheme, saveTheme, THEMES, type Theme } from "../../shared/theme";
import "./settings.css";

interface Props {
  info: Loadable<AppInfo>;
  /** The app switched to another database (Save and switch). */
  onSwitched: (info: AppInfo) => void;
}

/** Settings: where the data lives, the database URL (tested, then switched to), and the theme. */
export function SettingsPage({ info, onSwitched }: Props) {
  const [theme, setTheme] = useState<Theme>(() => loadTheme());

  function choose(next: Theme) {
    setTheme(next);
    saveTheme(next);
    applyTheme(next);
  }

  const value = (pick: (data: AppInfo) => string) =>
    info.status === "ok" ? pick(info.data) : info.status === "loading" ? "Loading…" : "Unavailable";

  return (
    <section className="page settings" aria-labelledby="page-title">
      <div className="page__head">
        <div>
          <h1 id="page-title">Settings</h1>
        </div>
      </div>
      <section className="settings__section" aria-labelledby="settings-storage">
        <h2 id="settings-storage" className="section-title">
          Storage
        </h2>
        <dl className="settings__facts">
          <dt>Data folder</dt>
          <dd className="mono" data-testid="settings-data-dir">
            {value((d) => d.data_dir)}
          </dd>
          <dt>Database</dt>
          <dd className="mono" data-testid="settings-database">
            {value((d) => `${d.store.location} (${d.store.backend})`)}
          </dd>
          <dt>Schema version</dt>
          <dd className="mono" data-testid="settings-schema">
            {value((d) => String(d.store.schema_version))}
          </dd>
        </dl>
        <p className="muted settings__hint">
          The data folder is set when the app starts: <code>--data-dir</code> or <code>REPOVAULT_DATA_DIR</code>.
        </p>
      </section>
      <section className="settings__section" aria-labelledby="settings-db">
        <h2 id="settings-db" className="section-title">
          Database
        </h2>
        <TeamNote />
        <DatabaseSettings info={info} onSwitched={onSwitched} />
      </section>
      <section className="settings__section" aria-labelledby="settings-mirror">
        <h2 id="settings-mirror" className="section-title">
          Mirror
        </h2>
        <p className="muted settings__hint">
          A team&apos;s PostgreSQL database kept as a copy of this store. Writes are queued here and sent in the background;
          nothing waits for the network.
        </p>
        <MirrorSettings />
      </section>
      <section className="settings__section" aria-labelledby="settings-theme">
        <h2 id="settings-theme" className="section-title">
          Theme
        </h2>
        <div className="segmented" role="radiogroup" aria-labelledby="settings-theme">
          {THEMES.map((option) => (
            <label key={option.id} className="segmented__option">
              <input
                type="radio"
                name="theme"
                value={option.id}
                data-testid={`theme-${option.id}`}
                checked={theme === option.id}
                onChange={() => choose(option.id)}
              />
              {option.label}
            </label>
          ))}
        </div>
      </section>
    </section>
  );
}
