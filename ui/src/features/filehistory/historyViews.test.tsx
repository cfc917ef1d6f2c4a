import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Blame } from "../../bindings/Blame";
import type { Commit } from "../../bindings/Commit";
import type { Comparison } from "../../bindings/Comparison";
import type { GraphPage } from "../../bindings/GraphPage";
import type { PathChange } from "../../bindings/PathChange";
import { App } from "../../app/App";
import { renderWithClient } from "../../shared/testing/render";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";

const INFO = { data_dir: "/data", store: { backend: "sqlite" as const, location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };
const REPO = { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: 1, commit_count: 3, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
const hash = (i: number) => String(i).repeat(40).slice(0, 40);

function commit(i: number, parents: number[]): Commit {
  const who = { name: `Dev ${i}`, email: `dev${i}@example.com`, time: 1_700_000_000 - i * 60, tz_offset_minutes: 0 };
  return {
    id: i,
    repository_id: 1,
    hash: hash(i),
    parents: parents.map(hash),
    author: who,
    committer: who,
    message: `Commit ${i}`,
    pusher: null,
    commit_count: null,
    raw_author: null,
    raw_committer: null,
    totals: { total_additions: 1, total_deletions: 0, files_changed: 1 },
    stored_at: 0,
  };
}

// 1 = merge(2, 3); 2 and 3 on root 4.
const COMMITS = [commit(1, [2, 3]), commit(2, [4]), commit(3, [4]), commit(4, [])];
const GRAPH: GraphPage = {
  width: 2,
  total: 4,
  rows: [
    { row: 0, hash: hash(1), lane: 0, top: [], bottom: [0, 1], pass: [] },
    { row: 1, hash: hash(2), lane: 0, top: [0], bottom: [0], pass: [1] },
    { row: 2, hash: hash(3), lane: 1, top: [1], bottom: [0], pass: [0] },
    { row: 3, hash: hash(4), lane: 0, top: [0], bottom: [], pass: [] },
  ],
};
const HISTORY: PathChange[] = [
  { commit_id: 2, hash: hash(2), committer_time: 1_699_999_880, file_change_id: 20, path: "src/new.rs", old_path: "src/old.rs", kind: "renamed", is_binary: false, additions: 1, deletions: 0, has_diff: true },
  { commit_id: 4, hash: hash(4), committer_time: 1_699_999_760, file_change_id: 40, path: "src/old.rs", old_path: null, kind: "added", is_binary: false, additions: 2, deletions: 0, has_diff: true },
];
const BLAME: Blame = {
  path: "src/new.rs",
  rev: hash(1),
  hash: hash(1),
  binary: false,
  source: "stored diffs",
  lines: [
    { line: 1, text: "fn a() {}", commit: hash(4) },
    { line: 2, text: "fn b() {}", commit: hash(4) },
    { line: 3, text: "fn c() {}", commit: hash(2) },
  ],
  commits: [COMMITS[1]!, COMMITS[3]!],
};
const COMPARISON: Comparison = {
  left: "main",
  right: "topic",
  left_hash: hash(2),
  right_hash: hash(3),
  left_only: 1,
  right_only: 1,
  merge_bases: [hash(4)],
  left_commits: [COMMITS[1]!],
  right_commits: [COMMITS[2]!],
  three_dot: true,
  files: [{ path: "src/t.rs", old_path: null, kind: "added", is_binary: false, additions: 3, deletions: 0 }],
  files_note: null,
};

let tauri: TauriMock;

function backend() {
  tauri.answer({
    store_info: () => INFO,
    list_repositories: () => [REPO],
    list_refs: () => [],
    query_commits: () => ({ commits: COMMITS, total: 4, total_is_lower_bound: false, next_cursor: null, snippets: [] }),
    get_graph_page: () => GRAPH,
    get_commit_stat: (args) => ({
      commit: COMMITS.find((c) => c.hash === args.hash)!,
      changes: [{ id: 10, path: "src/new.rs", old_path: null, kind: "modified", is_binary: false, is_submodule: false, additions: 1, deletions: 0, diff_size: 10, diff: null }],
    }),
    get_file_diff: () => "@@ -1,1 +1,2 @@\n fn a() {}\n+fn b() {}\n",
    get_file_history: () => HISTORY,
    blame_file: () => BLAME,
    compare_revisions: () => COMPARISON,
    compare_file_diff: (args) => ({ id: 0, path: args.path, old_path: null, kind: "added", is_binary: false, is_submodule: false, additions: 3, deletions: 0, diff_size: 30, diff: "@@ -0,0 +1,3 @@\n+fn t1() {}\n+fn t2() {}\n+fn t3() {}\n" }),
    line_history: (args) => ({ path: args.path, rev: args.rev ?? "HEAD", hash: hash(1), start: args.start, end: args.end, commits: [COMMITS[1]!, COMMITS[3]!] }),
  });
}

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

async function openDemoHistory() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId("nav-history"));
  });
  await flush();
  await act(async () => {
    fireEvent.change(screen.getByTestId("history-repo"), { target: { value: "demo" } });
  });
  await flush();
  await flush();
}

const sizes = { clientHeight: 600, clientWidth: 900, offsetHeight: 600, offsetWidth: 900 };
const saved = new Map<string, PropertyDescriptor | undefined>();
beforeAll(() => {
  for (const [key, value] of Object.entries(sizes)) {
    saved.set(key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key));
    Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const [key, descriptor] of saved) {
    if (descriptor !== undefined) Object.defineProperty(HTMLElement.prototype, key, descriptor);
  }
});

describe("history views", () => {
  beforeEach(() => {
    tauri = mockTauri();
    backend();
  });
  afterEach(cleanup);

  it("draws the graph beside the rows from the store's pages, and the toggle hides it", async () => {
    await openDemoHistory();
    expect(tauri.calls("get_graph_page")[0]).toEqual({ repositoryId: 1, scope: null, offset: 0, limit: 200 });
    const cells = screen.getAllByTestId("graph-cell");
    expect(cells.map((c) => c.dataset["lane"])).toEqual(["0", "0", "1", "0"]);
    expect(cells[0]!.dataset["merge"]).toBe("true");
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-graph-toggle"));
    });
    expect(screen.queryAllByTestId("graph-cell")).toHaveLength(0);
  });

  it("draws no graph across all repositories", async () => {
    await act(async () => {
      renderWithClient(<App />);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-history"));
    });
    await flush();
    expect(screen.queryAllByTestId("graph-cell")).toHaveLength(0);
    expect(tauri.calls("get_graph_page")).toHaveLength(0);
  });

  it("opens a file's history from the commit view, its diffs, and the blame with its commits", async () => {
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getAllByTestId("commit-row")[0]!);
    });
    await flush();
    await act(async () => {
      fireEvent.click(screen.getByTestId("file-history-open"));
    });
    await flush();
    expect(tauri.calls("get_file_history")).toEqual([{ repositoryId: 1, path: "src/new.rs", rev: null }]);
    const rows = screen.getAllByTestId("file-history-row");
    expect(rows.map((r) => r.dataset["hash"])).toEqual([hash(2), hash(4)]);
    expect(rows[0]!.textContent).toContain("src/old.rs → src/new.rs");
    await act(async () => {
      fireEvent.click(within(rows[0]!).getByTestId("file-history-diff"));
    });
    await flush();
    expect(tauri.calls("get_file_diff")).toContainEqual({ fileChangeId: 20 });

    await act(async () => {
      fireEvent.click(within(rows[0]!).getByText("Blame"));
    });
    await flush();
    expect(tauri.calls("blame_file")).toEqual([{ repository: "demo", path: "src/new.rs", rev: hash(2) }]);
    expect(screen.getByTestId("blame-source").textContent).toContain("stored diffs");
    const lines = screen.getAllByTestId("blame-line");
    expect(lines.map((l) => l.dataset["commit"])).toEqual([hash(4), hash(4), hash(2)]);
    // Lines 2–3 chosen by a click and a shift-click: their history, as git log -L.
    const numbers = screen.getAllByTestId("blame-line-number");
    await act(async () => {
      fireEvent.click(numbers[1]!);
      fireEvent.click(numbers[2]!, { shiftKey: true });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("line-history-run"));
    });
    await flush();
    expect(tauri.calls("line_history")).toEqual([{ repository: "demo", path: "src/new.rs", start: 2, end: 3, rev: hash(1) }]);
    expect(screen.getAllByTestId("line-history-commit").map((c) => c.dataset["hash"])).toEqual([hash(2), hash(4)]);
    // Blame parent steps back to the file before that commit (the root commit has no parent to step to).
    expect(screen.getAllByTestId("blame-parent")).toHaveLength(1);
    await act(async () => {
      fireEvent.click(screen.getAllByTestId("blame-parent")[0]!);
    });
    await flush();
    expect(tauri.calls("blame_file").at(-1)).toEqual({ repository: "demo", path: "src/new.rs", rev: `${hash(2)}^` });
  });

  it("compares two branches: counts, merge base and files", async () => {
    await openDemoHistory();
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-compare-toggle"));
    });
    expect((screen.getByTestId("compare-left") as HTMLInputElement).value).toBe("HEAD");
    await act(async () => {
      fireEvent.change(screen.getByTestId("compare-left"), { target: { value: "main" } });
      fireEvent.change(screen.getByTestId("compare-right"), { target: { value: "topic" } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("compare-run"));
    });
    await flush();
    expect(tauri.calls("compare_revisions")).toEqual([{ repository: "demo", left: "main", right: "topic", threeDot: true }]);
    const result = screen.getByTestId("compare-result");
    expect(result.dataset["leftOnly"]).toBe("1");
    expect(result.dataset["rightOnly"]).toBe("1");
    expect(screen.getByTestId("compare-base").textContent).toBe(hash(4).slice(0, 10));
    expect(screen.getAllByTestId("compare-file")[0]!.textContent).toContain("src/t.rs");
    // A file's diff opens below the list, from the merge base (three-dot) to the right side.
    await act(async () => {
      fireEvent.keyDown(screen.getAllByTestId("compare-file")[0]!, { key: "Enter" });
    });
    await flush();
    expect(tauri.calls("compare_file_diff")).toEqual([{ repository: "demo", from: hash(4), to: hash(3), path: "src/t.rs" }]);
    expect(screen.getByTestId("compare-diff").textContent).toContain("fn t2() {}");
  });
});
