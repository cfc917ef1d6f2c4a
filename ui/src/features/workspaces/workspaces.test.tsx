import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import type { Repository } from "../../bindings/Repository";
import type { Workspace } from "../../bindings/Workspace";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import { deletionMessage, scopeRepositories, teamNote } from "./workspaceRules";

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };

function repo(id: number, name: string, workspace: string): Repository {
  return { id, workspace, name, path: `/src/${name}`, created_at: 0, last_synced_at: null, commit_count: id * 10, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
}

let tauri: TauriMock;
let repos: Repository[];
let workspaces: Workspace[];

beforeEach(() => {
  tauri = mockTauri();
  repos = [repo(1, "api", "infra"), repo(2, "site", "default")];
  workspaces = [
    { id: 1, name: "default", created_at: 0, repository_count: 1, commit_count: 20 },
    { id: 2, name: "infra", created_at: 0, repository_count: 1, commit_count: 10 },
  ];
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => repos,
    list_workspaces: () => workspaces,
    query_commits: () => ({ commits: [], total: 0, total_is_lower_bound: false, next_cursor: null, snippets: [] }),
    count_commits: () => 0,
    list_saved_queries: () => [],
    preview_workspace_deletion: (args) => ({ workspace: args.name, repositories: ["api"], commits: 10, saved_queries: 2 }),
    delete_workspace: (args) => {
      repos = repos.filter((r) => r.workspace !== args.name);
      workspaces = workspaces.filter((w) => w.name !== args.name);
      return { workspace: args.name, repositories: ["api"], commits: 10, saved_queries: 2 };
    },
    move_repository: (args) => {
      repos = repos.map((r) => (r.name === args.repository ? { ...r, workspace: args.workspace } : r));
      return repos.find((r) => r.name === args.repository)!;
    },
  });
});
afterEach(cleanup);

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

async function renderApp() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await flush();
}

const repoNames = () => screen.queryAllByTestId("repo-row").map((r) => r.getAttribute("data-repo-name"));

describe("workspace rules", () => {
  it("says what deleting a workspace removes", () => {
    expect(deletionMessage({ workspace: "infra", repositories: ["api", "ops"], commits: 1234, saved_queries: 1 })).toBe(
      "Workspace infra goes with 2 repositories (api, ops) with 1,234 commits and 1 saved query. Repository folders on disk are not touched.",
    );
    expect(deletionMessage({ workspace: "empty", repositories: [], commits: 0, saved_queries: 0 })).toBe(
      "Workspace empty goes with no repositories. Repository folders on disk are not touched.",
    );
  });

  it("scopes repositories to the chosen workspace", () => {
    const all = { status: "ok" as const, data: [repo(1, "api", "infra"), repo(2, "site", "default")] };
    expect(scopeRepositories(all, null)).toBe(all);
    const scoped = scopeRepositories(all, "infra");
    expect(scoped.status === "ok" && scoped.data.map((r) => r.name)).toEqual(["api"]);
  });

  it("says SQLite has no roles, and who a PostgreSQL connection is", () => {
    expect(teamNote({ supported: false, initialised: false, role: "", member: false })).toContain("SQLite has no roles");
    expect(teamNote({ supported: true, initialised: true, role: "alice", member: true })).toContain("only the workspaces granted to alice");
    expect(teamNote({ supported: true, initialised: false, role: "rv", member: false })).toContain("repovault-cli team init");
  });
});

describe("workspaces in the app", () => {
  it("the header's choice scopes Repositories and History's queries", async () => {
    await renderApp();
    expect(repoNames()).toEqual(["api", "site"]);
    const select = screen.getByTestId("workspace-select") as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(["All workspaces", "default (1)", "infra (1)"]);
    await act(async () => {
      fireEvent.change(select, { target: { value: "infra" } });
    });
    expect(repoNames()).toEqual(["api"]);

    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-history"));
    });
    await flush();
    const queries = tauri.calls("query_commits");
    expect(queries.length).toBeGreaterThan(0);
    expect(JSON.stringify(queries[queries.length - 1]!.query.filter)).toContain('{"field":"workspace","op":"eq","value":"infra"}');
  });

  it("deleting a workspace says what goes first, then removes it", async () => {
    await renderApp();
    const row = screen.getAllByTestId("workspace-row").find((r) => r.getAttribute("data-workspace") === "infra")!;
    expect(within(screen.getAllByTestId("workspace-row")[0]!).queryByTestId("workspace-delete")).toBeNull();
    await act(async () => {
      fireEvent.click(within(row).getByTestId("workspace-delete"));
    });
    await flush();
    expect(screen.getByTestId("confirm-message").textContent).toContain("1 repository (api) with 10 commits and 2 saved queries");
    expect(tauri.calls("delete_workspace")).toHaveLength(0);
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Delete workspace" }));
    });
    await flush();
    expect(tauri.calls("delete_workspace")).toEqual([{ name: "infra" }]);
    expect(repoNames()).toEqual(["site"]);
    expect(screen.getAllByTestId("workspace-row").map((r) => r.getAttribute("data-workspace"))).toEqual(["default"]);
  });

  it("moves a repository to another workspace", async () => {
    await renderApp();
    await act(async () => {
      fireEvent.change(screen.getByTestId("move-repository"), { target: { value: "site" } });
      fireEvent.change(screen.getByTestId("move-target"), { target: { value: "infra" } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("move-submit"));
    });
    await flush();
    expect(tauri.calls("move_repository")).toEqual([{ repository: "site", workspace: "infra" }]);
    expect(screen.getByTestId("workspace-done").textContent).toBe("Moved site to infra.");
  });
});
