/** What the Settings page says about a database URL and the store it leads to. */
import type { AppSettings } from "../../bindings/AppSettings";
import type { StoreInfo } from "../../bindings/StoreInfo";

/** The URL to send: trimmed, and null for an empty field (the embedded SQLite file). */
export function urlToSend(input: string): string | null {
  const url = input.trim();
  return url === "" ? null : url;
}

/** "PostgreSQL at db.example.com/vault, schema version 5" — or that the schema will be created. */
export function describeStore(info: StoreInfo): string {
  const backend = info.backend === "postgres" ? "PostgreSQL" : "SQLite";
  const schema =
    info.schema_version === 0
      ? "an empty database: its tables are created when you switch to it"
      : `schema version ${info.schema_version}`;
  return `${backend} at ${info.location}, ${schema}`;
}

/** Why "Save and switch" cannot be used now, or null when it can. */
export function switchBlocked(settings: AppSettings, input: string): string | null {
  if (settings.database_url_from_env) {
    return "DATABASE_URL is set in the environment, so it chooses the database while the app runs. Unset it and restart RepoVault to choose the database here.";
  }
  if (urlToSend(input) === (settings.database_url ?? null)) return "This is the database in use.";
  return null;
}

/** A URL with its password, if any, replaced by *** (for showing it back). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/** The confirmation's words: what is closed, what is opened, and that nothing is copied. */
export function switchMessage(current: string | null, next: string | null): string {
  const from = current ?? "the current database";
  const to = next === null ? "the embedded SQLite file in the data folder" : redactUrl(next);
  return `RepoVault will close ${from} and open ${to}. Nothing is copied between them: the repositories and commits you see will be the ones stored there. You can switch back here at any time.`;
}
