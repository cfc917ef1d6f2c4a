import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Repository } from "../../bindings/Repository";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";

let tauri: TauriMock;

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };

function repo(extra: Partial<Repository> = {}): Repository {
  return { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: 1709280000, commit_count: 302, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null, ...extra };
}

/** A backend whose import waits until the test settles it, and hands over its progress channel. */
function backend(repos: () => Repository[]) {
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => repos(),
    cancel_import: () => true,
  });
  return tauri.hold("import_repository");
}

const calls: TauriMock["calls"] = (command) => tauri.calls(command);

async function renderApp() {
  await act(async () => {
    renderWithClient(<App />);
  });
}

describe("Add repository", () => {
  beforeEach(() => {
    tauri = mockTauri();
  });
  afterEach(cleanup);

  it("imports the typed path with progress, then shows the result and the refreshed list", async () => {
    let stored: Repository[] = [];
    const control = backend(() => stored);
    await renderApp();
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "  /src/demo  " } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    expect(calls("import_repository")).toHaveLength(1);
    expect(calls("import_repository")[0]).toMatchObject({ path: "/src/demo", name: null });
    expect(screen.getByTestId("import-phase").textContent).toBe("Starting");
    expect(screen.getByTestId("import-submit").getAttribute("aria-disabled")).toBe("true");

    await act(async () => control.progress({ phase: "scanning", done: 0, total: 0, per_second: null }));
    expect(screen.getByTestId("import-phase").textContent).toBe("Reading history");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBeNull();

    await act(async () => control.progress({ phase: "importing", done: 150, total: 300, per_second: 1200 }));
    expect(screen.getByTestId("import-phase").textContent).toBe("Importing commits");
    expect(screen.getByTestId("import-count").textContent).toMatch(/^150 \/ 300 commits$/);
    expect(screen.getByTestId("import-rate").textContent).toMatch(/^1[,.\s\u202f]?200 commits\/s$/);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("50");

    stored = [repo()];
    await act(async () =>
      control.resolve({ repository: repo(), new_commits: 302, refs: 3, up_to_date: false, is_shallow: false, seconds: 0.4, index_seconds: 0.1 }),
    );
    expect(screen.getByTestId("import-result-text").textContent).toBe("demo: imported 302 new commits in 0.4 s.");
    expect(screen.queryByTestId("import-progress")).toBeNull();
    const row = screen.getByTestId("repo-row");
    expect(within(row).getByTestId("repo-commit-count").textContent).toBe("302");
    expect(calls("list_repositories")).toHaveLength(2);
  });

  it("asks for a path instead of calling the backend with an empty one", async () => {
    backend(() => []);
    await renderApp();
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    expect(calls("import_repository")).toHaveLength(0);
    expect(screen.getByTestId("error-banner").textContent).toContain("Enter the path of a git repository folder");
  });

  it("Cancel asks the backend to stop; a cancelled import is a notice, a failed one a readable error", async () => {
    const control = backend(() => []);
    await renderApp();
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "/src/big" } });
    fireEvent.change(screen.getByTestId("import-name"), { target: { value: "Big one" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    expect(calls("import_repository")[0]).toMatchObject({ path: "/src/big", name: "Big one" });
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-cancel"));
    });
    expect(calls("cancel_import")).toEqual([{}]);
    expect(screen.getByTestId("import-phase").textContent).toBe("Cancelling…");
    await act(async () =>
      control.fail({ code: "cancelled", message: "the import was cancelled; everything stored so far is kept" }),
    );
    const notice = screen.getByTestId("import-error");
    expect(notice.dataset["errorCode"]).toBe("cancelled");
    expect(within(notice).queryByTestId("error-banner")).toBeNull();

    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    await act(async () => control.fail({ code: "not_a_repository", message: "/src/big is not a git repository" }));
    const failure = screen.getByTestId("import-error");
    expect(failure.dataset["errorCode"]).toBe("not_a_repository");
    expect(within(failure).getByTestId("error-message").textContent).toBe("/src/big is not a git repository");
  });

  it("Sync imports a row's folder under its name, and waits while an import runs", async () => {
    const control = backend(() => [repo(), repo({ id: 2, name: "pushed", path: null })]);
    await renderApp();
    const [demo, pushed] = screen.getAllByTestId("repo-row");
    expect(within(pushed!).getByTestId("repo-sync").getAttribute("aria-disabled")).toBe("true");
    await act(async () => {
      fireEvent.click(within(pushed!).getByTestId("repo-sync"));
    });
    expect(calls("import_repository")).toHaveLength(0);

    await act(async () => {
      fireEvent.click(within(demo!).getByTestId("repo-sync"));
    });
    expect(calls("import_repository")[0]).toMatchObject({ path: "/src/demo", name: "demo" });
    expect(within(demo!).getByTestId("repo-sync").getAttribute("aria-disabled")).toBe("true");
    await act(async () => {
      fireEvent.click(within(demo!).getByTestId("repo-sync"));
    });
    expect(calls("import_repository")).toHaveLength(1);
    await act(async () =>
      control.resolve({ repository: repo(), new_commits: 0, refs: 3, up_to_date: true, is_shallow: false, seconds: 0.01, index_seconds: 0 }),
    );
    expect(screen.getByTestId("import-result-text").textContent).toBe("demo is up to date; nothing new to import.");
  });
});
