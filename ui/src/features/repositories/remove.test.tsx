import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Repository } from "../../bindings/Repository";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { removedText, removeMessage } from "./removeRepository";

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };

function repo(id: number, name: string, commit_count: number, path: string | null = `/src/${name}`): Repository {
  return { id, workspace: "default", name, path, created_at: 0, last_synced_at: null, commit_count, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
}

let tauri: TauriMock;
let stored: Repository[];
let removeAnswer: (name: string) => Promise<number>;

beforeEach(() => {
  tauri = mockTauri();
  stored = [repo(1, "demo", 2025), repo(2, "other", 1)];
  removeAnswer = (name) => {
    const found = stored.find((r) => r.name === name);
    stored = stored.filter((r) => r.name !== name);
    return Promise.resolve(found?.commit_count ?? 0);
  };
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => stored,
    remove_repository: (args) => removeAnswer(args.name),
  });
});
afterEach(cleanup);

const removeCalls = () => tauri.calls("remove_repository");
const names = () => screen.queryAllByTestId("repo-row").map((r) => r.getAttribute("data-repo-name"));

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

async function askToRemove(name: string) {
  await act(async () => {
    renderWithClient(<App />);
  });
  await flush();
  const row = screen.getAllByTestId("repo-row").find((r) => r.getAttribute("data-repo-name") === name)!;
  await act(async () => {
    fireEvent.click(row.querySelector('[data-testid="repo-remove"]')!);
  });
}

describe("removeMessage", () => {
  it("says what goes and that the folder stays", () => {
    expect(removeMessage("demo", 2025)).toBe("demo and its 2,025 commits will be removed from RepoVault; the folder on disk is not touched.");
    expect(removeMessage("one", 1)).toBe("one and its 1 commit will be removed from RepoVault; the folder on disk is not touched.");
    expect(removeMessage("empty", 0)).toBe("empty will be removed from RepoVault; the folder on disk is not touched.");
    expect(removeMessage("pushed", 3, false)).toBe("pushed and its 3 commits will be removed from RepoVault.");
    expect(removedText("demo", 2025)).toBe("Removed demo (2,025 commits).");
  });
});

describe("Remove repository", () => {
  it("asks first, saying what will be removed; Cancel and Esc keep the repository", async () => {
    await askToRemove("demo");
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(screen.getByTestId("confirm-message").textContent).toBe(
      "demo and its 2,025 commits will be removed from RepoVault; the folder on disk is not touched.",
    );
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    });
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();

    const row = screen.getAllByTestId("repo-row")[0]!;
    await act(async () => {
      fireEvent.click(row.querySelector('[data-testid="repo-remove"]')!);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-cancel"));
    });
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(removeCalls()).toHaveLength(0);
    expect(names()).toEqual(["demo", "other"]);
  });

  it("keeps Tab inside the dialog", async () => {
    await askToRemove("demo");
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId("confirm-cancel"), { key: "Tab" });
    });
    expect(document.activeElement).toBe(screen.getByTestId("confirm-ok"));
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId("confirm-ok"), { key: "Tab" });
    });
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
  });

  it("removes on Remove and the list no longer shows it", async () => {
    await askToRemove("demo");
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    await flush();
    expect(removeCalls()).toEqual([{ name: "demo" }]);
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(screen.getByTestId("remove-result").textContent).toContain("Removed demo (2,025 commits).");
    expect(names()).toEqual(["other"]);
  });

  it("shows a refusal as a banner with its code", async () => {
    removeAnswer = () => Promise.reject({ code: "busy", message: "an import is running" });
    await askToRemove("other");
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-ok"));
    });
    await flush();
    expect(screen.getByTestId("remove-error").querySelector('[data-testid="error-code"]')?.textContent).toBe("busy");
    expect(names()).toEqual(["demo", "other"]);
  });
});
