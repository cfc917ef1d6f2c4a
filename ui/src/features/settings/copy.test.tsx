import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import type { CopyReport } from "../../bindings/CopyReport";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { copyMessage, copyProgressText, verificationText } from "./copyRules";

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 9, blob_store: "blobs" } };
const PG: AppInfo = { data_dir: "/data", store: { backend: "postgres", location: "postgres://rv:***@db/vault", schema_version: 9, blob_store: "blobs" } };

function report(verified: boolean): CopyReport {
  return {
    source: "sqlite:///data/repovault.db",
    target: "postgres://rv:***@db/vault",
    tables: [
      { table: "commits", source_rows: 1200, target_rows: verified ? 1200 : 1199, copied_now: true },
      { table: "file_changes", source_rows: 5000, target_rows: 5000, copied_now: true },
    ],
    resumed: [],
    blobs_copied: 0,
    differences: [],
    verified,
    seconds: 2.25,
  };
}

let tauri: TauriMock;

beforeEach(() => {
  tauri = mockTauri();
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => [],
    list_workspaces: () => [],
    team_status: () => ({ supported: false, initialised: false, role: "", member: false }),
    get_settings: () => ({ data_dir: "/data", database_url: null, database_url_from_env: false }),
  });
});
afterEach(cleanup);

describe("copy rules", () => {
  it("says what is copied, that the source stays, and how far it is", () => {
    expect(copyMessage("/data/repovault.db", "postgres://rv:secret@db/vault")).toContain("into postgres://rv:***@db/vault (which must be empty)");
    expect(copyProgressText({ phase: { step: "table", table: "commits" }, done: 3, total: 17, per_second: null })).toBe(
      "Copying commits (3 of 17 tables)",
    );
    expect(verificationText(report(true))).toBe("Verified: 2 tables and 6,200 rows agree, row counts and canonical hashes (2.3 s).");
    expect(verificationText(report(false))).toBe("Not verified: commits differ. The app stayed on its database.");
  });
});

describe("Settings › Database: copy my data and switch", () => {
  it("shows progress, then the verification, and switches", async () => {
    const job = tauri.hold("copy_store_and_switch");
    await act(async () => {
      renderWithClient(<App />);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-settings"));
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(screen.getByTestId("team-note").textContent).toContain("SQLite has no roles");
    await act(async () => {
      fireEvent.change(screen.getByTestId("settings-db-url"), { target: { value: "postgres://rv:secret@db/vault" } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("settings-db-copy"));
    });
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Copy and switch" }));
    });
    expect(job.args?.url).toBe("postgres://rv:secret@db/vault");
    await act(async () => {
      job.progress({ phase: { step: "table", table: "file_changes" }, done: 4, total: 17, per_second: null });
    });
    expect(screen.getByTestId("settings-db-copy-progress").textContent).toBe("Copying file_changes (4 of 17 tables)");
    tauri.answer({ store_info: () => PG });
    await act(async () => {
      job.resolve({ report: report(true), info: PG });
    });
    expect(screen.getByTestId("settings-db-copy-verdict").textContent).toContain("Verified: 2 tables");
    expect(screen.getAllByTestId("settings-db-copy-row")).toHaveLength(2);
    expect(screen.getByTestId("settings-database").textContent).toBe("postgres://rv:***@db/vault (postgres)");
  });
});
