import { useState } from "react";

import type { AppInfo } from "../api";
import type { Loadable } from "../App";
import { applyTheme, loadTheme, saveTheme, THEMES, type Theme } from "../theme";

interface Props {
  info: Loadable<AppInfo>;
}

/** Settings: where the data lives (read-only; set by --data-dir / DATABASE_URL) and the theme. */
export function SettingsPage({ info }: Props) {
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
        </dl>
        <p className="muted settings__hint">
          Set when the app starts: <code>--data-dir</code> or <code>REPOVAULT_DATA_DIR</code>, and{" "}
          <code>--database-url</code> or <code>DATABASE_URL</code>.
        </p>
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
