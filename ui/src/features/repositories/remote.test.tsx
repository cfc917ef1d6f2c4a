import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Repository } from "../../bindings/Repository";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { isRemoteUrl } from "./AddRepository";

let tauri: TauriMock;

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };
const URL = "https://git.example.com/team/demo.git";

function repo(extra: Partial<Repository> = {}): Repository {
  return { id: 1, workspace: "default", name: "demo", path: "/data/mirrors/demo.git", created_at: 0, last_synced_at: 1709280000, commit_count: 302, is_shallow: false, index_changes: true, remote_url: URL, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null, ...extra };
}

async function renderApp() {
  await act(async () => {
    renderWithClient(<App />);
  });
}

describe("Repositories added by URL and kept in sync", () => {
  beforeEach(() => {
    tauri = mockTauri();
  });
  afterEach(cleanup);

  it("tells URLs from folders as the backend does", () => {
    expect(isRemoteUrl("  https://h/x.git ")).toBe(true);
    expect(isRemoteUrl("git://127.0.0.1:9418/x")).toBe(true);
    expect(isRemoteUrl("FILE:///srv/x.git")).toBe(true);
    expect(isRemoteUrl("ssh://git@h/x")).toBe(true);
    expect(isRemoteUrl("/home/me/https://x")).toBe(false);
    expect(isRemoteUrl("https://")).toBe(false);
  });

  it("keeps an https token in the keyring first, then clones; a git:// URL takes no token", async () => {
    tauri.answer({ store_info: () => INFO, list_repositories: () => [], save_token: () => ({ server: "https://git.example.com", persistent: true }) });
    const control = tauri.hold("import_repository");
    await renderApp();
    expect(screen.queryByTestId("import-token")).toBeNull();
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: URL } });
    expect(screen.getByTestId("import-submit").textContent).toBe("Clone and import");
    fireEvent.change(screen.getByTestId("import-token"), { target: { value: " tok-123 " } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    expect(tauri.calls("save_token")).toEqual([{ url: URL, token: "tok-123" }]);
    expect(tauri.calls("import_repository")[0]).toMatchObject({ path: URL, name: null });
    // The token leaves the form once kept.
    expect((screen.getByTestId("import-token") as HTMLInputElement).value).toBe("");

    await act(async () => control.progress({ phase: "fetching", done: 40, total: 160, per_second: null }));
    expect(screen.getByTestId("import-phase").textContent).toBe("Fetching from the server");
    expect(screen.getByTestId("import-count").textContent).toBe("40 / 160 objects");
    await act(async () => control.fail({ code: "auth_failed", message: `the server of ${URL} refused the credentials` }));
    expect(screen.getByTestId("import-error").dataset["errorCode"]).toBe("auth_failed");

    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "git://127.0.0.1/demo.git" } });
    expect(screen.queryByTestId("import-token")).toBeNull();
  });

  it("a token the keyring refuses stops before cloning, with the reason", async () => {
    tauri.answer({ store_info: () => INFO, list_repositories: () => [] });
    tauri.fail("save_token", { code: "io", message: "cannot keep the token in the OS keyring: locked" });
    tauri.hold("import_repository");
    await renderApp();
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: URL } });
    fireEvent.change(screen.getByTestId("import-token"), { target: { value: "tok" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-submit"));
    });
    expect(tauri.calls("import_repository")).toHaveLength(0);
    expect(screen.getByTestId("error-banner").textContent).toContain("locked");
  });

  it("shows the URL, a failed background sync as a badge and a line, and sets keep-in-sync", async () => {
    let stored = [repo({ last_sync_attempt_at: 1709283600, last_sync_error: "[unreachable] cannot reach the server" })];
    tauri.answer({
      store_info: () => INFO,
      list_repositories: () => stored,
      set_keep_in_sync: ({ seconds }) => {
        stored = [repo({ sync_interval_secs: seconds })];
        return stored[0]!;
      },
    });
    await renderApp();
    const row = screen.getByTestId("repo-row");
    expect(within(row).getByTestId("repo-path").textContent).toBe(URL);
    expect(within(row).getByTestId("repo-sync-failed").textContent).toBe("sync failed");
    expect(within(row).getByTestId("repo-sync-error").textContent).toContain("[unreachable] cannot reach the server");
    expect(screen.queryByRole("dialog")).toBeNull();
    const select = within(row).getByTestId("repo-keep-in-sync") as HTMLSelectElement;
    expect(select.value).toBe("");

    await act(async () => {
      fireEvent.change(select, { target: { value: "3600" } });
    });
    expect(tauri.calls("set_keep_in_sync")).toEqual([{ name: "demo", seconds: 3600 }]);
    expect((within(screen.getByTestId("repo-row")).getByTestId("repo-keep-in-sync") as HTMLSelectElement).value).toBe("3600");
    expect(screen.queryByTestId("repo-sync-failed")).toBeNull();
  });

  it("a background sync's event refreshes the list", async () => {
    let stored = [repo()];
    tauri.answer({ store_info: () => INFO, list_repositories: () => stored });
    await renderApp();
    const before = tauri.calls("list_repositories").length;
    stored = [repo({ commit_count: 310, last_sync_attempt_at: 1709290000 })];
    await act(async () => {
      await tauri.emit("repository-synced", { repository: "demo", new_commits: 8, error: null });
    });
    expect(tauri.calls("list_repositories").length).toBeGreaterThan(before);
    expect(within(screen.getByTestId("repo-row")).getByTestId("repo-commit-count").textContent).toBe("310");
  });
});
