import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { api, type AppInfo } from "../../shared/api";
import type { Loadable } from "../../shared/loadable";
import type { AppSettings } from "../../bindings/AppSettings";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { StoreInfo } from "../../bindings/StoreInfo";
import { normalizeError } from "../../shared/errors";
import { toLoadable } from "../../shared/query/queryClient";
import { settingsKeys, settingsQuery } from "./queries";
import { describeStore, switchBlocked, switchMessage, urlToSend } from "./settingsRules";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { CopyAndSwitch } from "./CopyAndSwitch";

interface Props {
  /** The store the app has open (for the confirmation's "closes …"). */
  info: Loadable<AppInfo>;
  onSwitched: (info: AppInfo) => void;
}

type Check = { status: "idle" } | { status: "running" } | { status: "ok"; store: StoreInfo } | { status: "error"; error: ErrorPayload };

/** The database URL: test a connection, then save it and switch the app to that store. */
export function DatabaseSettings({ info, onSwitched }: Props) {
  const id = useId();
  const queryClient = useQueryClient();
  const settings: Loadable<AppSettings> = toLoadable(useQuery(settingsQuery()));
  // What the user typed; null until they type, so the field shows the loaded URL. A refetch (after
  // a database switch, every query reloads) never overwrites a draft.
  const [draft, setDraft] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ status: "idle" });
  const [confirming, setConfirming] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<ErrorPayload | null>(null);
  const [switched, setSwitched] = useState<StoreInfo | null>(null);

  if (settings.status === "loading") return <p className="muted">Loading the database settings…</p>;
  if (settings.status === "error") return <ErrorBanner error={settings.error} title="Could not read the settings" />;

  const current = settings.data;
  const url = draft ?? current.database_url ?? "";
  const blocked = switchBlocked(current, url);

  async function test() {
    setCheck({ status: "running" });
    try {
      setCheck({ status: "ok", store: await api.testConnection(urlToSend(url)) });
    } catch (error) {
      setCheck({ status: "error", error: normalizeError(error) });
    }
  }

  async function doSwitch() {
    setSwitching(true);
    setSwitchError(null);
    const next = urlToSend(url);
    try {
      const opened = await api.saveDatabaseUrl(next);
      queryClient.setQueryData(settingsKeys.settings, { ...current, database_url: next });
      setSwitched(opened.store);
      setCheck({ status: "idle" });
      onSwitched(opened);
    } catch (error) {
      setSwitchError(normalizeError(error));
    } finally {
      setSwitching(false);
      setConfirming(false);
    }
  }

  return (
    <>
      <form
        className="settings__db"
        onSubmit={(e) => {
          e.preventDefault();
          void test();
        }}
      >
        <div className="field field--grow">
          <label htmlFor={`${id}-url`}>Database URL</label>
          <input
            id={`${id}-url`}
            className="input input--mono"
            data-testid="settings-db-url"
            value={url}
            placeholder="empty: the SQLite file in the data folder — or postgres://user@host/database"
            spellCheck={false}
            autoComplete="off"
            readOnly={current.database_url_from_env}
            onChange={(e) => {
              setDraft(e.target.value);
              setCheck({ status: "idle" });
              setSwitched(null);
            }}
          />
        </div>
        <div className="settings__db-actions">
          <button type="submit" className="button" data-testid="settings-db-test" aria-busy={check.status === "running"} aria-disabled={check.status === "running"}>
            {check.status === "running" ? "Testing…" : "Test connection"}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="settings-db-save"
            aria-disabled={blocked !== null || switching}
            title={blocked ?? "Save this URL and switch the app to that database"}
            onClick={() => {
              if (blocked === null && !switching) setConfirming(true);
            }}
          >
            Save and switch
          </button>
        </div>
      </form>
      {current.database_url_from_env && (
        <p className="muted settings__hint" data-testid="settings-db-env">
          {switchBlocked(current, url)}
        </p>
      )}
      {check.status === "ok" && (
        <p className="notice settings__result" data-testid="settings-db-test-result" role="status">
          Connected: {describeStore(check.store)}.
        </p>
      )}
      {check.status === "error" && <ErrorBanner error={check.error} title="Could not connect to this database" />}
      {switchError !== null && <ErrorBanner error={switchError} title="The app could not switch to this database" />}
      {switched !== null && (
        <p className="notice settings__result" data-testid="settings-db-switched" role="status">
          Switched to {describeStore(switched)}.
        </p>
      )}
      <CopyAndSwitch
        url={urlToSend(url)}
        blocked={blocked}
        current={info.status === "ok" ? info.data.store.location : null}
        onSwitched={(opened) => {
          queryClient.setQueryData(settingsKeys.settings, { ...current, database_url: urlToSend(url) });
          onSwitched(opened);
        }}
      />
      {confirming && (
        <ConfirmDialog
          title="Switch to another database?"
          message={switchMessage(info.status === "ok" ? info.data.store.location : null, urlToSend(url))}
          confirmLabel="Save and switch"
          busy={switching}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void doSwitch()}
        />
      )}
    </>
  );
}
