import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Repository } from "../bindings/Repository";

import type { AppInfo } from "../shared/api";
import { mockTauri, type Answers, type TauriMock } from "../shared/testing/tauriMock";
import { renderWithClient } from "../shared/testing/render";
import { App } from "./App";

let tauri: TauriMock;

const INFO: AppInfo = {
  data_dir: "/home/alice/.local/share/repovault",
  store: { backend: "sqlite", location: "/home/alice/.local/share/repovault/repovault.db", schema_version: 1, blob_store: "blobs" },
};

function repo(id: number, name: string, extra: Partial<Repository> = {}): Repository {
  return { id, workspace: "default", name, path: null, created_at: 1709280000, last_synced_at: null, commit_count: 0, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null, ...extra };
}

function backend(answers: Answers) {
  tauri.answer(answers);
}

async function renderApp() {
  await act(async () => {
    renderWithClient(<App />);
  });
}

describe("App", () => {
  beforeEach(() => {
    tauri = mockTauri();
  });
  afterEach(cleanup);

  it("shows the store and one row per repository", async () => {
    backend({
      store_info: () => Promise.resolve(INFO),
      list_repositories: () =>
        Promise.resolve([repo(1, "demo", { commit_count: 2, path: "/src/demo" }), repo(2, "other", { commit_count: 1500 })]),
    });
    await renderApp();

    expect(screen.getByTestId("store-backend").textContent).toBe("sqlite");
    expect(screen.getByTestId("data-dir").textContent).toBe(INFO.data_dir);
    const rows = screen.getAllByTestId("repo-row");
    expect(rows.map((r) => within(r).getByTestId("repo-name").textContent)).toEqual(["demo", "other"]);
    expect(within(rows[0]!).getByTestId("repo-commit-count").textContent).toBe("2");
    expect(within(rows[0]!).getByTestId("repo-last-sync").textContent).toBe("never");
    expect(within(rows[1]!).getByTestId("repo-path").textContent).toBe("—");
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(screen.queryByTestId("empty-state")).toBeNull();
  });

  it("shows the empty state with what to do", async () => {
    backend({ store_info: () => Promise.resolve(INFO), list_repositories: () => Promise.resolve([]) });
    await renderApp();
    expect(screen.getByTestId("empty-state").textContent).toContain("repovault-cli import PATH");
    expect(screen.queryAllByTestId("repo-row")).toHaveLength(0);
  });

  it("shows one readable banner when every command fails for the same reason", async () => {
    const payload = { code: "config", message: "bad configuration: unsupported database URL mysql://x" };
    backend({ store_info: () => Promise.reject(payload), list_repositories: () => Promise.reject(payload) });
    await renderApp();

    const banners = screen.getAllByTestId("error-banner");
    expect(banners).toHaveLength(1);
    expect(within(banners[0]!).getByTestId("error-code").textContent).toBe("config");
    expect(within(banners[0]!).getByTestId("error-message").textContent).toBe(payload.message);
    expect(screen.getByTestId("store-status").textContent).toBe("unavailable");
    expect(screen.getByTestId("repos-unavailable")).toBeTruthy();
  });

  it("Refresh asks the backend again and shows the new answer", async () => {
    let repos = [repo(1, "demo")];
    backend({ store_info: () => Promise.resolve(INFO), list_repositories: () => Promise.resolve(repos) });
    await renderApp();
    expect(screen.getAllByTestId("repo-row")).toHaveLength(1);

    repos = [repo(1, "demo"), repo(2, "second")];
    await act(async () => {
      fireEvent.click(screen.getByTestId("refresh"));
    });
    expect(screen.getAllByTestId("repo-row")).toHaveLength(2);
    expect(tauri.calls("list_repositories")).toHaveLength(2);
  });

  it("ignores Refresh while a refresh is running and keeps focus on the button", async () => {
    let release: (value: Repository[]) => void = () => {};
    let calls = 0;
    backend({
      store_info: () => Promise.resolve(INFO),
      list_repositories: () => {
        calls += 1;
        return calls === 1 ? Promise.resolve([repo(1, "demo")]) : new Promise<Repository[]>((r) => (release = r));
      },
    });
    await renderApp();
    const button = screen.getByTestId("refresh");
    button.focus();
    await act(async () => {
      fireEvent.click(button);
    });
    expect(button.getAttribute("aria-disabled")).toBe("true");
    expect(button.textContent).toBe("Refreshing…");
    await act(async () => {
      fireEvent.click(button);
    });
    expect(calls).toBe(2);
    expect(document.activeElement).toBe(button);

    await act(async () => {
      release([repo(1, "demo"), repo(2, "late")]);
    });
    expect(button.getAttribute("aria-disabled")).toBe("false");
    expect(screen.getAllByTestId("repo-row")).toHaveLength(2);
  });

  it("moves focus between rows with the arrow keys and keeps one tab stop", async () => {
    backend({
      store_info: () => Promise.resolve(INFO),
      list_repositories: () => Promise.resolve([repo(1, "a"), repo(2, "b"), repo(3, "c")]),
    });
    await renderApp();
    const rows = screen.getAllByTestId("repo-row");
    expect(rows.map((r) => r.tabIndex)).toEqual([0, -1, -1]);

    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: "ArrowDown" });
    expect(document.activeElement).toBe(rows[1]);
    fireEvent.keyDown(rows[1]!, { key: "ArrowDown" });
    fireEvent.keyDown(rows[2]!, { key: "ArrowDown" });
    expect(document.activeElement).toBe(rows[2]);
    fireEvent.keyDown(rows[2]!, { key: "ArrowUp" });
    expect(document.activeElement).toBe(rows[1]);
    expect(screen.getAllByTestId("repo-row").map((r) => r.tabIndex)).toEqual([-1, 0, -1]);
  });
});
