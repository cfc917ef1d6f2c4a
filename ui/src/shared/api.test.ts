import { beforeEach, describe, expect, it } from "vitest";

import { api, call } from "./api";
import { CommandError } from "./errors";
import { mockTauri, type TauriMock } from "./testing/tauriMock";

describe("call", () => {
  let tauri: TauriMock;
  beforeEach(() => {
    tauri = mockTauri();
  });

  it("invokes the named command with empty arguments and returns its result", async () => {
    const demo = { id: 1, workspace: "default", name: "demo", path: null, created_at: 0, last_synced_at: null, commit_count: 0, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
    tauri.answer({ list_repositories: () => [demo] });
    await expect(call("list_repositories")).resolves.toEqual([demo]);
    expect(tauri.invoke).toHaveBeenCalledWith("list_repositories", {});
  });

  it("rejects with a CommandError carrying the backend's code and message", async () => {
    tauri.fail("store_info", { code: "config", message: "bad configuration: unsupported URL" });
    const error: unknown = await api.storeInfo().catch((e: unknown) => e);
    expect(tauri.invoke).toHaveBeenCalledWith("store_info", {});
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).code).toBe("config");
    expect((error as CommandError).message).toBe("bad configuration: unsupported URL");
  });

  it("normalises a string rejection", async () => {
    tauri.answer({ store_info: () => Promise.reject("command store_info not found") });
    await expect(call("store_info")).rejects.toMatchObject({ code: "unknown", message: "command store_info not found" });
  });

  it("sends the new commands' arguments in camelCase, as Tauri maps them to Rust's snake_case", async () => {
    tauri.invoke.mockResolvedValue(null);
    await api.getCommitStat(3, "abcd");
    await api.getFileDiff(42);
    await api.renameSavedQuery("old", "new");
    await api.listRefs(7);
    await api.testConnection(null);
    await api.saveDatabaseUrl("postgres://db/x");
    expect(tauri.invoke.mock.calls).toEqual([
      ["get_commit_stat", { repositoryId: 3, hash: "abcd" }],
      ["get_file_diff", { fileChangeId: 42 }],
      ["rename_saved_query", { name: "old", newName: "new" }],
      ["list_refs", { repositoryId: 7 }],
      ["test_connection", { url: null }],
      ["save_database_url", { url: "postgres://db/x" }],
    ]);
  });
});
