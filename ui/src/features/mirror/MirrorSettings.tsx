import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import type { CheckReport } from "../../bindings/CheckReport";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import { api } from "../../shared/api";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { normalizeError } from "../../shared/errors";
import { clock, describeDifference, mirrorBadge } from "./mirrorRules";
import { mirrorKeys, mirrorStatusQuery } from "./queries";

type Busy = null | "test" | "enable" | "disable" | "drain" | "check" | "repair";

/** Settings › Mirror: the team's PostgreSQL mirror of this store, its health and its checks. */
export function MirrorSettings() {
  const id = useId();
  const queryClient = useQueryClient();
  const status = useQuery(mirrorStatusQuery());
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [check, setCheck] = useState<CheckReport | null>(null);

  const current = status.data;
  const url = draft ?? (current?.enabled ? current.url : "");

  async function act<T>(what: Exclude<Busy, null>, run: () => Promise<T>, done: (value: T) => void) {
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      done(await run());
      await queryClient.invalidateQueries({ queryKey: mirrorKeys.status });
    } catch (e) {
      setError(normalizeError(e));
    } finally {
      setBusy(null);
    }
  }

  const badge = current ? mirrorBadge(current) : null;
  return (
    <div className="mirror-settings" data-testid="mirror-settings">
      <form
        className="settings__db"
        onSubmit={(e) => {
          e.preventDefault();
          void act("test", () => api.testMirror(url.trim()), () => setNote("Connected; the schema version matches this store's."));
        }}
      >
        <div className="field field--grow">
          <label htmlFor={`${id}-url`}>Mirror URL</label>
          <input
            id={`${id}-url`}
            className="input input--mono"
            data-testid="mirror-url"
            value={url}
            placeholder="postgres://user@host/database"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
          />
        </div>
        <div className="settings__db-actions">
          <button type="submit" className="button" data-testid="mirror-test" aria-disabled={busy !== null || url.trim() === ""}>
            {busy === "test" ? "Testing…" : "Test connection"}
          </button>
          {current?.enabled ? (
            <button
              type="button"
              className="button"
              data-testid="mirror-disable"
              aria-disabled={busy !== null}
              onClick={() => busy === null && void act("disable", api.disableMirror, () => setNote("Mirroring is off."))}
            >
              Disable
            </button>
          ) : (
            <button
              type="button"
              className="button button--primary"
              data-testid="mirror-enable"
              aria-disabled={busy !== null || url.trim() === ""}
              onClick={() =>
                busy === null && url.trim() !== "" && void act("enable", () => api.enableMirror(url.trim(), null), () => setNote("Mirroring is on; the store is being sent."))
              }
            >
              {busy === "enable" ? "Enabling…" : "Enable"}
            </button>
          )}
        </div>
      </form>
      {current?.enabled && (
        <>
          <dl className="settings__facts" data-testid="mirror-facts">
            <dt>Health</dt>
            <dd data-testid="mirror-health">{badge?.label ?? current.health}</dd>
            <dt>Pending</dt>
            <dd data-testid="mirror-pending">{current.pending} entries</dd>
            <dt>Breaker</dt>
            <dd data-testid="mirror-breaker">
              {current.breaker}
              {current.open_until !== null ? ` until ${clock(current.open_until)}` : ""} · cool-down {current.cooldown_seconds} s
            </dd>
            <dt>Last drain</dt>
            <dd>{current.last_drain_at === null ? "never" : `${clock(current.last_drain_at)} (${current.drained_entries} entries in all)`}</dd>
            {current.last_error !== null && (
              <>
                <dt>Last error</dt>
                <dd className="mono" data-testid="mirror-last-error">
                  {current.last_error}
                </dd>
              </>
            )}
          </dl>
          <div className="settings__db-actions">
            <button
              type="button"
              className="button"
              data-testid="mirror-drain"
              aria-disabled={busy !== null}
              onClick={() =>
                busy === null &&
                void act("drain", api.drainMirror, (r) => setNote(r.error === null ? `Drained ${r.entries} entries (${r.commits} commits); ${r.pending} pending.` : `The drain stopped: ${r.error}`))
              }
            >
              {busy === "drain" ? "Draining…" : "Drain now"}
            </button>
            <button type="button" className="button" data-testid="mirror-check" aria-disabled={busy !== null} onClick={() => busy === null && void act("check", () => api.checkMirror(null), setCheck)}>
              {busy === "check" ? "Checking…" : "Check"}
            </button>
            <button type="button" className="button" data-testid="mirror-repair" aria-disabled={busy !== null} onClick={() => busy === null && void act("repair", () => api.repairMirror(null), setCheck)}>
              {busy === "repair" ? "Repairing…" : "Repair"}
            </button>
          </div>
        </>
      )}
      {note !== null && (
        <p className="muted settings__hint" data-testid="mirror-note" role="status">
          {note}
        </p>
      )}
      {check !== null && (
        <div data-testid="mirror-check-result" data-equal={String(check.equal)}>
          {check.equal ? (
            <p className="muted">Equal: the mirror holds what this store holds.</p>
          ) : (
            <ul className="mirror-settings__differences">
              {check.differences.map((d) => (
                <li key={`${d.repository ?? ""}/${d.table}`} className="mono">
                  {describeDifference(d)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error !== null && <ErrorBanner error={error} title="The mirror did not answer as hoped" />}
    </div>
  );
}
