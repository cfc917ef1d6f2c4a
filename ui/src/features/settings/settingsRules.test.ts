import { describe, expect, it } from "vitest";

import { describeStore, redactUrl, switchBlocked, switchMessage, urlToSend } from "./settingsRules";

const settings = { data_dir: "/data", database_url: null, database_url_from_env: false };

describe("settings rules", () => {
  it("sends a trimmed URL, or null for the embedded database", () => {
    expect(urlToSend("  postgres://u@h/db ")).toBe("postgres://u@h/db");
    expect(urlToSend("   ")).toBeNull();
  });

  it("describes the store a URL leads to", () => {
    expect(describeStore({ backend: "postgres", location: "h:5432/db", schema_version: 5, blob_store: "b" })).toBe(
      "PostgreSQL at h:5432/db, schema version 5",
    );
    expect(describeStore({ backend: "sqlite", location: "/x.db", schema_version: 0, blob_store: "b" })).toBe(
      "SQLite at /x.db, an empty database: its tables are created when you switch to it",
    );
  });

  it("blocks switching when the environment decides, or when nothing would change", () => {
    expect(switchBlocked({ ...settings, database_url_from_env: true }, "postgres://x")).toMatch(/^DATABASE_URL is set in the environment/);
    expect(switchBlocked(settings, "  ")).toBe("This is the database in use.");
    expect(switchBlocked({ ...settings, database_url: "postgres://x" }, " postgres://x ")).toBe("This is the database in use.");
    expect(switchBlocked(settings, "postgres://x")).toBeNull();
    expect(switchBlocked({ ...settings, database_url: "postgres://x" }, "")).toBeNull();
  });

  it("says what the switch closes and opens", () => {
    expect(switchMessage("/data/repovault.db", null)).toBe(
      "RepoVault will close /data/repovault.db and open the embedded SQLite file in the data folder. Nothing is copied between them: the repositories and commits you see will be the ones stored there. You can switch back here at any time.",
    );
    expect(switchMessage(null, "postgres://h/db")).toContain("close the current database and open postgres://h/db.");
    expect(switchMessage(null, "postgres://u:secret@h/db")).toContain("open postgres://u:***@h/db.");
  });

  it("hides a password in a URL", () => {
    expect(redactUrl("postgres://alice:s3cr3t@db.example.com:5432/vault")).toBe("postgres://alice:***@db.example.com:5432/vault");
    expect(redactUrl("postgres://alice@db/vault")).toBe("postgres://alice@db/vault");
    expect(redactUrl("sqlite:///data/x.db")).toBe("sqlite:///data/x.db");
  });
});
