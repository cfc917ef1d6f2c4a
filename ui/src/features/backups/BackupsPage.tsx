import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from "react";

import { api } from "../../shared/api";
import type { Loadable } from "../../shared/loadable";
import type { BackupInfo } from "../../bindings/BackupInfo";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { RestorePreview } from "../../bindings/RestorePreview";
import type { RestoreReport } from "../../bindings/RestoreReport";
import { describeCreate, describeRun, formatSize, keepListed, restoredText, verificationOf, type Verification } from "./backupRules";
import { normalizeError } from "../../shared/errors";
import { toLoadable } from "../../shared/query/queryClient";
import { backupKeys, backupSettingsQuery, backupsQuery, schedulesQuery, useDeleteBackup, useRefetchBackups } from "./queries";
import { useBackupJob } from "./useBackupJob";
import type { ScheduleRuns } from "./useScheduleRuns";
import { AutomaticBackupsSection } from "./AutomaticBackupsSection";
import { BackupList } from "./BackupList";
import { BackupProgressBar } from "./BackupProgressBar";
import { ConfirmDialog } from "../../shared/components/ConfirmDialog";
import { CreateBackup } from "./CreateBackup";
import { DestinationsSection } from "./DestinationsSection";
import { ErrorBanner } from "../../shared/components/ErrorBanner";
import { RestoreDialog } from "./RestoreDialog";
import { RetentionSection } from "./RetentionSection";
import { SchedulesSection } from "./SchedulesSection";
import "./backups.css";

export type Verifications = Record<string, Verification>;

interface Props {
  scheduleRuns: ScheduleRuns;
  /** The last Verify of each backup (by path), kept by the app while it runs (across pages). */
  verifications: Verifications;
  setVerifications: Dispatch<SetStateAction<Verifications>>;
  /** A restore replaced the data: every screen reloads. */
  onRestored: (report: RestoreReport) => void;
  /** The workspace chosen in the header: its rows are shown beside the whole store's (null: all). */
  workspace?: string | null;
}

/** How the last action ended, shown at the top of the page. */
type Outcome =
  | { kind: "notice"; testId: string; text: string; details?: string[] }
  | { kind: "error"; testId: string; title: string; error: ErrorPayload; details?: string[] };

type Asking =
  | { what: "delete"; backup: BackupInfo; running: boolean }
  | { what: "verify-password"; backup: BackupInfo; password: string }
  | { what: "restore"; preview: RestorePreview };

/**
 * Backups: Create now, the list (verify, restore, delete), schedules, retention and destinations.
 * One backup job runs at a time; its progress shows where it was started.
 */
export function BackupsPage({ scheduleRuns, verifications, setVerifications, onRestored, workspace = null }: Props) {
  const queryClient = useQueryClient();
  const refetch = useRefetchBackups();
  const backupsResult = useQuery(backupsQuery());
  const backups: Loadable<BackupInfo[]> = toLoadable(backupsResult);
  const settings = toLoadable(useQuery(backupSettingsQuery()));
  const schedules = toLoadable(useQuery(schedulesQuery()));
  const deleteBackup = useDeleteBackup();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [preparing, setPreparing] = useState<string | null>(null);
  const [now, setNow] = useState(() => new Date());
  const job = useBackupJob();

  // Each new list drops the kept Verify results of backups no longer in it.
  const listed = backupsResult.data;
  useEffect(() => {
    if (listed !== undefined) setVerifications((v) => keepListed(v, listed));
  }, [listed, setVerifications]);
  // Each answer (or failure) of the list resets the clock its "… ago" texts count from.
  const { dataUpdatedAt, errorUpdatedAt } = backupsResult;
  useEffect(() => setNow(new Date()), [dataUpdatedAt, errorUpdatedAt]);

  // A scheduled run may have added backups and moved next runs (the page opening loads them anyway).
  const seenRuns = useRef(scheduleRuns.runs);
  useEffect(() => {
    if (seenRuns.current === scheduleRuns.runs) return;
    seenRuns.current = scheduleRuns.runs;
    void queryClient.invalidateQueries({ queryKey: backupKeys.list });
    void queryClient.invalidateQueries({ queryKey: backupKeys.schedules });
  }, [scheduleRuns.runs, queryClient]);

  async function create(password: string | null) {
    setOutcome(null);
    try {
      const report = await job.run("create", null, (onProgress) => api.createBackup(password, onProgress));
      const { text, failed } = describeCreate(report);
      setOutcome(
        failed.length === 0
          ? { kind: "notice", testId: "backup-create-result", text }
          : {
              kind: "error",
              testId: "backup-create-error",
              title: text,
              error: { code: "backup_failed", message: `${failed.length} destination(s) failed` },
              details: failed.map((f) => `${f.destination}: ${f.message}`),
            },
      );
    } catch (e) {
      const error = normalizeError(e);
      setOutcome(
        error.code === "cancelled"
          ? { kind: "notice", testId: "backup-create-cancelled", text: "Backup cancelled; nothing was written." }
          : { kind: "error", testId: "backup-create-error", title: "The backup failed", error },
      );
    }
    await refetch.backups();
  }

  async function verify(backup: BackupInfo, password: string | null) {
    setOutcome(null);
    try {
      const report = await job.run("verify", backup.path, (onProgress) => api.verifyBackup(backup.path, password, onProgress));
      const verification = verificationOf(report, new Date().toISOString());
      setVerifications((v) => ({ ...v, [backup.path]: verification }));
      setOutcome(
        verification.status === "ok"
          ? { kind: "notice", testId: "verify-result", text: `${backup.name} is intact: every entry re-hashed and the snapshot checked.` }
          : {
              kind: "error",
              testId: "verify-result",
              title: `${backup.name} has problems`,
              error: { code: "backup_damaged", message: `${report.problems.length} problem(s) found; do not rely on this backup.` },
              details: report.problems,
            },
      );
    } catch (e) {
      setOutcome({ kind: "error", testId: "verify-error", title: `Could not verify ${backup.name}`, error: normalizeError(e) });
    }
  }

  async function prepareRestore(backup: BackupInfo) {
    setOutcome(null);
    setPreparing(backup.path);
    try {
      setAsking({ what: "restore", preview: await api.previewRestore(backup.path) });
    } catch (e) {
      setOutcome({ kind: "error", testId: "restore-error", title: `Cannot restore ${backup.name}`, error: normalizeError(e) });
    } finally {
      setPreparing(null);
    }
  }

  async function restore(preview: RestorePreview, password: string | null) {
    const { backup } = preview;
    try {
      const report = await job.run("restore", backup.path, (onProgress) => api.restoreBackup(backup.path, password, onProgress));
      setAsking(null);
      setOutcome({ kind: "notice", testId: "restore-result", text: restoredText(report, workspace) });
      // Every screen reloads, the schedules too: they live in the store that was just swapped.
      onRestored(report);
    } catch (e) {
      setAsking(null);
      setOutcome({
        kind: "error",
        testId: "restore-error",
        title: `The restore of ${backup.name} failed; the current data is unchanged`,
        error: normalizeError(e),
      });
    }
    // After a restore the app reloads every query; do not cancel that fetch of the list, share it.
    await queryClient.invalidateQueries({ queryKey: backupKeys.list }, { cancelRefetch: false });
  }

  async function remove(backup: BackupInfo) {
    setAsking({ what: "delete", backup, running: true });
    try {
      // The list is fetched again once the command is done, whether or not it worked.
      await deleteBackup.mutateAsync(backup.path);
      setOutcome({ kind: "notice", testId: "delete-result", text: `Deleted ${backup.name}.` });
    } catch (e) {
      setOutcome({ kind: "error", testId: "delete-error", title: `Could not delete ${backup.name}`, error: normalizeError(e) });
    }
    setAsking(null);
  }

  const settingsData = settings.status === "ok" ? settings.data : null;
  const enabled = settingsData === null ? null : settingsData.destinations.filter((d) => d.enabled).length;
  const { state } = job;
  const verifying = state.status === "running" && state.kind === "verify" ? state : null;
  const restoring = state.status === "running" && state.kind === "restore" ? state : null;

  return (
    <section className="page backups" aria-labelledby="page-title" data-testid="backups-page">
      <div className="page__head">
        <div>
          <h1 id="page-title">Backups</h1>
          <p className="page__summary" data-testid="backup-summary">
            {backups.status === "ok"
              ? backups.data.length === 1
                ? "1 backup"
                : `${backups.data.length} backups`
              : backups.status === "loading"
                ? "Loading…"
                : "Unavailable"}
          </p>
        </div>
        <button type="button" className="button" data-testid="backups-refresh" onClick={() => void Promise.all([refetch.backups(), refetch.schedules()])}>
          Refresh
        </button>
      </div>

      {scheduleRuns.failures.length > 0 && (
        <div className="banners" data-testid="schedule-failures">
          {scheduleRuns.failures.map((run, index) => (
            <ErrorBanner
              key={`${run.schedule}-${index}`}
              error={{ code: "backup_failed", message: describeRun(run) }}
              title="A scheduled backup failed"
            />
          ))}
          <button type="button" className="button button--small" data-testid="schedule-failures-dismiss" onClick={scheduleRuns.dismiss}>
            Dismiss
          </button>
        </div>
      )}

      {outcome !== null && <OutcomeBanner outcome={outcome} onDismiss={() => setOutcome(null)} />}

      <CreateBackup job={job} enabledDestinations={enabled} onCreate={(password) => void create(password)} />

      {verifying !== null && (
        <BackupProgressBar
          label={`Verifying ${verifying.path ?? ""}`}
          progress={verifying.progress}
          cancelling={verifying.cancelling}
          onCancel={() => void job.cancel()}
          testId="verify-progress"
        />
      )}

      <BackupListBody
        backups={backups}
        verifications={verifications}
        busy={job.running}
        preparing={preparing}
        now={now}
        workspace={workspace}
        onVerify={(backup) => {
          if (backup.encrypted) setAsking({ what: "verify-password", backup, password: "" });
          else void verify(backup, null);
        }}
        onRestore={(backup) => void prepareRestore(backup)}
        onDelete={(backup) => setAsking({ what: "delete", backup, running: false })}
      />

      <SchedulesSection schedules={schedules} settings={settingsData} />

      {settings.status === "error" && <ErrorBanner error={settings.error} title="Could not read the backup settings" />}
      {settingsData !== null && (
        <>
          <RetentionSection settings={settingsData} busy={job.running} />
          <AutomaticBackupsSection settings={settingsData} />
          <DestinationsSection settings={settingsData} />
        </>
      )}

      {asking?.what === "delete" && (
        <ConfirmDialog
          title={`Delete ${asking.backup.name}?`}
          message={`The backup file (${formatSize(asking.backup.size)}) is deleted from ${asking.backup.destination}. This cannot be undone.`}
          confirmLabel={asking.running ? "Deleting…" : "Delete"}
          busy={asking.running}
          onCancel={() => setAsking(null)}
          onConfirm={() => void remove(asking.backup)}
        />
      )}
      {asking?.what === "verify-password" && (
        <ConfirmDialog
          title={`Verify ${asking.backup.name}?`}
          message="This backup is encrypted: enter its password to check every entry."
          confirmLabel="Verify"
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            if (asking.password === "") return;
            setAsking(null);
            void verify(asking.backup, asking.password);
          }}
        >
          <div className="field">
            <label htmlFor="verify-password">Password</label>
            <input
              id="verify-password"
              type="password"
              className="input"
              data-testid="verify-password"
              value={asking.password}
              autoComplete="off"
              onChange={(e) => setAsking({ ...asking, password: e.target.value })}
            />
          </div>
        </ConfirmDialog>
      )}
      {asking?.what === "restore" && (
        <RestoreDialog
          preview={asking.preview}
          workspace={workspace}
          running={restoring === null ? null : { progress: restoring.progress }}
          onCancel={() => setAsking(null)}
          onConfirm={(password) => void restore(asking.preview, password)}
        />
      )}
    </section>
  );
}

function OutcomeBanner({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  const details =
    outcome.details !== undefined && outcome.details.length > 0 ? (
      <ul className="backup-outcome__details" data-testid="backup-problems">
        {outcome.details.map((d, i) => (
          <li key={i}>{d}</li>
        ))}
      </ul>
    ) : null;
  if (outcome.kind === "notice") {
    return (
      <div className="banners">
        <div className="notice" role="status" data-testid={outcome.testId} data-ok="true">
          <span data-testid="backup-outcome-text">{outcome.text}</span>
          <button type="button" className="button button--small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="banners import-failed" data-testid={outcome.testId} data-ok="false">
      <div>
        <ErrorBanner error={outcome.error} title={outcome.title} />
        {details}
      </div>
      <button type="button" className="button button--small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function BackupListBody(props: Omit<Parameters<typeof BackupList>[0], "backups"> & { backups: Loadable<BackupInfo[]> }) {
  const { backups } = props;
  if (backups.status === "loading") {
    return (
      <p className="placeholder" data-testid="backups-loading">
        Loading the backups…
      </p>
    );
  }
  if (backups.status === "error") return <ErrorBanner error={backups.error} title="Could not list the backups" />;
  if (backups.data.length === 0) {
    return (
      <div className="empty" data-testid="backups-empty">
        <p className="empty__title">No backups yet.</p>
        <p>
          Press Create now to take the first one, or add a schedule below so they are taken for you. Backups found in the
          destination folders are listed here.
        </p>
      </div>
    );
  }
  return <BackupList {...props} backups={backups.data} />;
}
