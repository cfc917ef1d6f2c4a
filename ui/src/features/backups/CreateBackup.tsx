import { useId, useState, type FormEvent } from "react";

import type { BackupJob } from "./useBackupJob";
import { BackupProgressBar } from "./BackupProgressBar";

interface Props {
  job: BackupJob;
  /** How many destinations are enabled (a backup goes to each). */
  enabledDestinations: number | null;
  onCreate: (password: string | null) => void;
}

/** "Create now": an optional password (encrypts the archive), and the running job's progress. */
export function CreateBackup({ job, enabledDestinations, onCreate }: Props) {
  const id = useId();
  const [encrypt, setEncrypt] = useState(false);
  const [password, setPassword] = useState("");
  const { state } = job;
  const creating = state.status === "running" && state.kind === "create";
  const missingPassword = encrypt && password === "";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (job.running || missingPassword) return;
    onCreate(encrypt ? password : null);
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card__title">
        Back up now
      </h2>
      <form className="backup-create" onSubmit={submit}>
        <label className="check">
          <input type="checkbox" data-testid="backup-encrypt" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} />
          Encrypt with a password
        </label>
        {encrypt && (
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              type="password"
              className="input"
              data-testid="backup-password"
              value={password}
              autoComplete="new-password"
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        )}
        <button
          type="submit"
          className="button button--primary"
          data-testid="backup-create"
          aria-disabled={job.running || missingPassword}
          title={missingPassword ? "Enter a password, or untick Encrypt" : undefined}
        >
          {creating ? "Creating…" : "Create now"}
        </button>
        <span className="muted">
          {enabledDestinations === null
            ? ""
            : enabledDestinations === 0
              ? "No destination is enabled: enable one under Destinations."
              : enabledDestinations === 1
                ? "Goes to the enabled destination."
                : `Goes to each of the ${enabledDestinations} enabled destinations.`}
        </span>
      </form>
      {creating && (
        <BackupProgressBar label="Creating a backup" progress={state.progress} cancelling={state.cancelling} onCancel={() => void job.cancel()} />
      )}
      {encrypt && <p className="muted settings__hint">Keep the password safe: an encrypted backup cannot be read or restored without it.</p>}
    </section>
  );
}
