import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo, ExportProgress } from "../../shared/api";
import { mockTauri, sendThrough, type Answer, type TauriMock } from "../../shared/testing/tauriMock";

/** The native save dialog (the dialog plugin's `save` command): the options it was opened with. */
const save = vi.fn<(options: unknown) => string | null | Promise<string | null>>();
let tauri: TauriMock;

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };
const REPO = { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: 1, commit_count: 2, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
const who = { name: "Alice Kim", email: "alice@example.com", time: 1_700_000_000, tz_offset_minutes: 0 };
const COMMIT = {
  id: 1, repository_id: 1, hash: "a".repeat(40), parents: [], author: who, committer: who, message: "One",
  pusher: null, commit_count: null, raw_author: null, raw_committer: null,
  totals: { total_additions: 1, total_deletions: 0, files_changed: 1 }, stored_at: 0,
};
const PAGE = { commits: [COMMIT], total: 1, total_is_lower_bound: false, next_cursor: null, snippets: [] };

let exportAnswer: Answer<"export_commits">;

beforeEach(() => {
  tauri = mockTauri();
  save.mockReset();
  tauri.answerPlugin("plugin:dialog|save", (args) => save(args["options"]));
  delete window.__REPOVAULT_E2E_SAVE_PATH__;
  exportAnswer = () => Promise.resolve(1);
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => [REPO],
    query_commits: () => PAGE,
    parse_search: () => ({ and: [{ field: "author", op: "like", value: "%alice%" }] }),
    export_commits: (args) => exportAnswer(args),
  });
});
afterEach(() => {
  cleanup();
  delete window.__REPOVAULT_E2E_SAVE_PATH__;
});

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

/** Opens the History page of repository demo through its row's History button. */
async function openDemoHistory() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await flush();
  await act(async () => {
    fireEvent.click(screen.getByTestId("repo-history"));
  });
  await flush();
  expect(screen.getByTestId("history-summary").textContent).toBe("1 commit");
}

const exportCalls = () => tauri.calls("export_commits");

describe("Export on the History page", () => {
  it("asks the save dialog for a file and exports the list on screen (repository and search) to it", async () => {
    save.mockResolvedValue("/tmp/out.ndjson");
    await openDemoHistory();
    fireEvent.change(screen.getByTestId("history-search"), { target: { value: "author:alice" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-search-run"));
    });
    await flush();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    await flush();
    expect(save).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: "demo.csv", filters: [expect.objectContaining({ name: "CSV" }), expect.anything(), expect.anything()] }),
    );
    expect(exportCalls()).toEqual([
      {
        query: {
          filter: { and: [{ field: "repository", op: "eq", value: "demo" }, { and: [{ field: "author", op: "like", value: "%alice%" }] }] },
          options: {},
        },
        search: null,
        format: "ndjson",
        path: "/tmp/out.ndjson",
        onProgress: expect.anything(),
      },
    ]);
    expect(screen.getByTestId("export-result-text").textContent).toBe("Exported 1 commit to /tmp/out.ndjson");
  });

  it("shows progress while the export runs", async () => {
    let finish: (n: number) => void = () => {};
    exportAnswer = () => new Promise((resolve) => (finish = resolve));
    save.mockResolvedValue("/tmp/out.csv");
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    await flush();
    expect(screen.getByTestId("export-progress").textContent).toBe("Starting export…");
    expect(screen.getByTestId("history-export").getAttribute("aria-disabled")).toBe("true");
    await act(async () => sendThrough<ExportProgress>(exportCalls().at(-1)!.onProgress, { phase: "writing", done: 500, total: 2025, per_second: null }));
    expect(screen.getByTestId("export-progress").textContent).toBe("500 / 2,025 commits");
    // A second press while it runs does nothing.
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    expect(exportCalls()).toHaveLength(1);
    await act(async () => finish(2025));
    expect(screen.getByTestId("export-result-text").textContent).toBe("Exported 2,025 commits to /tmp/out.csv");
  });

  it("does nothing when the dialog is cancelled", async () => {
    save.mockResolvedValue(null);
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    await flush();
    expect(exportCalls()).toHaveLength(0);
    expect(screen.queryByTestId("export-progress")).toBeNull();
    expect(screen.queryByTestId("export-result")).toBeNull();
  });

  it("shows a failed export as a banner with its code", async () => {
    save.mockResolvedValue("/nowhere/out");
    exportAnswer = () => Promise.reject({ code: "io", message: "cannot create /nowhere/out.csv.partial: No such file or directory" });
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    await flush();
    expect(exportCalls()[0]).toMatchObject({ path: "/nowhere/out.csv", format: "csv" });
    const banner = screen.getByTestId("export-error");
    expect(banner.querySelector('[data-testid="error-code"]')?.textContent).toBe("io");
  });

  it("takes the path from window.__REPOVAULT_E2E_SAVE_PATH__ when the page defines it (end-to-end tests)", async () => {
    window.__REPOVAULT_E2E_SAVE_PATH__ = "/tmp/e2e.csv";
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-export"));
    });
    await flush();
    expect(save).not.toHaveBeenCalled();
    expect(exportCalls()[0]).toMatchObject({ path: "/tmp/e2e.csv", format: "csv", search: null });
  });
});
