import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Commit } from "../../bindings/Commit";
import type { CommitWithChanges } from "../../bindings/CommitWithChanges";
import type { FileChange } from "../../bindings/FileChange";


import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";

const INFO = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };
const REPO = { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: 1, commit_count: 450, is_shallow: false };
const TOTAL = 450;

function commit(i: number, author = i % 3 === 0 ? "Alice Kim" : "Bob Lee"): Commit {
  const who = { name: author, email: `${author.split(" ")[0]!.toLowerCase()}@example.com`, time: 1_700_000_000 - i * 60, tz_offset_minutes: 0 };
  return {
    id: i + 1,
    repository_id: 1,
    hash: (i + 1).toString(16).padStart(40, "a"),
    parents: [(i + 2).toString(16).padStart(40, "a")],
    author: who,
    committer: who,
    message: `Change number ${i}\n\nBody ${i}`,
    pusher: null,
    commit_count: null,
    raw_author: null,
    raw_committer: null,
    totals: { total_additions: i, total_deletions: 1, files_changed: 1 },
    stored_at: 0,
  };
}

const ALL = Array.from({ length: TOTAL }, (_, i) => commit(i));

function change(id: number, extra: Partial<FileChange>): FileChange {
  return { id, path: `src/f${id}.rs`, old_path: null, kind: "modified", is_binary: false, is_submodule: false, additions: 1, deletions: 1, diff_size: null, diff: null, ...extra };
}

function details(hash: string): CommitWithChanges {
  const c = ALL.find((x) => x.hash === hash) ?? { ...commit(999), hash };
  return {
    commit: c,
    changes: [
      change(1, { diff_size: 36 }),
      change(2, { path: "logo.png", kind: "added", is_binary: true, additions: null, deletions: null }),
    ],
  };
}

const DIFFS: Record<number, string> = { 1: "@@ -1,2 +1,2 @@\n fn a() {}\n-old\n+new\n" };

type Args = Record<string, unknown>;
let tauri: TauriMock;

/** A backend with keyset pages over ALL (cursor = index of the next row) and a search for alice. */
function backend(overrides: Record<string, (args: Args) => Promise<unknown>> = {}) {
  const answers: Record<string, (args: Args) => Promise<unknown>> = {
    store_info: () => Promise.resolve(INFO),
    list_repositories: () => Promise.resolve([REPO]),
    query_commits: (args) => {
      const query = args["query"] as { filter?: unknown; options: { limit: number; cursor?: string; offset?: number; sort_order?: string } };
      const alice = JSON.stringify(query.filter ?? null).includes("%alice%");
      return Promise.resolve(pageOf(alice ? ALL.filter((c) => c.author.name === "Alice Kim") : ALL, query.options));
    },
    parse_search: (args) => {
      if (args["text"] === "colour:blue") return Promise.reject({ code: "query", message: 'query error: unknown search key "colour"' });
      if (args["text"] === "author:alice") return Promise.resolve({ and: [{ field: "author", op: "like", value: "%alice%" }] });
      if (args["text"] === "crash") return Promise.resolve({ and: [{ field: "text", op: "eq", value: "crash" }] });
      return Promise.reject({ code: "query", message: `no fake parse for ${String(args["text"])}` });
    },
    get_commit_stat: (args) => Promise.resolve(details(args["hash"] as string)),
    get_file_diff: (args) => Promise.resolve(DIFFS[args["fileChangeId"] as number] ?? null),
    ...overrides,
  };
  // Untyped answers: the fixtures here are shaped by hand, per test.
  tauri.invoke.mockImplementation((command: string, args: Args) => {
    const answer = answers[command];
    return answer ? answer(args) : Promise.reject(`unexpected command ${command}`);
  });
}

function pageOf(all: Commit[], options: { limit: number; cursor?: string; offset?: number; sort_order?: string }) {
  // Newest first is the stored order; "asc" asks for it oldest first (the list's far end).
  const rows = options.sort_order === "asc" ? [...all].reverse() : all;
  const from = options.cursor === undefined ? (options.offset ?? 0) : Number(options.cursor);
  const end = from + options.limit;
  const capped = rows.length > 400; // like the backend's COUNT_CAP, scaled down
  return {
    commits: rows.slice(from, end),
    total: Math.min(rows.length, 400),
    total_is_lower_bound: capped,
    next_cursor: end < rows.length ? String(end) : null,
    snippets: [],
  };
}

const calls = (command: string) => tauri.invoke.mock.calls.filter(([c]) => c === command).map(([, args]) => args);
const rows = () => screen.queryAllByTestId("commit-row");
const selected = () => rows().filter((r) => r.getAttribute("aria-selected") === "true").map((r) => Number(r.dataset["index"]));

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

async function openHistory() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId("nav-history"));
  });
  await flush();
}

// The virtual list measures its scroll box; jsdom has no layout, so give boxes a size.
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

describe("History page", () => {
  beforeEach(() => {
    tauri = mockTauri();
  });
  afterEach(cleanup);

  it("asks for the first page, shows the total and renders only the rows in view", async () => {
    backend();
    await openHistory();
    expect(calls("query_commits")).toEqual([{ query: { options: { limit: 200 } } }]);
    expect(screen.getByTestId("history-summary").textContent).toBe("400+ commits");
    const shown = rows();
    expect(shown.length).toBeGreaterThanOrEqual(20);
    expect(shown.length).toBeLessThan(200);
    expect(within(shown[0]!).getByTestId("commit-hash").textContent).toBe(ALL[0]!.hash.slice(0, 8));
    expect(within(shown[0]!).getByTestId("commit-summary").textContent).toBe("Change number 0");
    expect(within(shown[1]!).getByTestId("commit-churn").textContent).toBe("+1 −1");
  });

  it("fetches the next page with the cursor as the list scrolls near its end, and stops at the last", async () => {
    backend();
    await openHistory();
    const list = screen.getByTestId("commit-list");
    await act(async () => {
      list.scrollTop = 150 * 30;
      fireEvent.scroll(list);
    });
    await flush();
    expect(calls("query_commits").map((a) => (a["query"] as { options: unknown }).options)).toEqual([
      { limit: 200 },
      { limit: 200, cursor: "200" },
      // A 150-row move in one step is a fast scroll: the list fetches further ahead.
      { limit: 200, cursor: "400" },
    ]);
    await act(async () => {
      list.scrollTop = 390 * 30;
      fireEvent.scroll(list);
    });
    await flush();
    expect(calls("query_commits")).toHaveLength(3);
    await act(async () => {
      list.scrollTop = TOTAL * 30;
      fireEvent.scroll(list);
    });
    await flush();
    expect(calls("query_commits")).toHaveLength(3);
    const indexes = rows().map((r) => Number(r.dataset["index"]));
    expect(indexes).toContain(TOTAL - 1);
    // The backend's count was capped (400+); with every page here the count is exact.
    expect(screen.getByTestId("history-summary").textContent).toBe("450 commits");
    expect(screen.queryByTestId("commit-list-status")).toBeNull();
  });

  it("sizes the list by the exact count and fills a jump to the end from the far end", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    backend({
      count_commits: () => Promise.resolve(TOTAL),
      query_commits: async (args) => {
        const query = args["query"] as { options: { limit: number; cursor?: string; offset?: number; sort_order?: string } };
        if (query.options.sort_order === "asc") await held;
        return pageOf(ALL, query.options);
      },
    });
    await openHistory();
    expect(calls("count_commits")).toEqual([{ query: { options: { limit: 200 } } }]);
    expect(screen.getByTestId("history-summary").textContent).toBe("450 commits");
    expect(screen.queryByTestId("commit-list-status")).toBeNull();
    const list = screen.getByTestId("commit-list");
    await act(async () => {
      list.scrollTop = TOTAL * 30;
      fireEvent.scroll(list);
    });
    await flush();
    // Rows 400..449 (oldest first from offset 0), asked for in reverse; placeholders meanwhile.
    expect(calls("query_commits").at(-1)).toEqual({ query: { options: { limit: 50, offset: 0, sort_by: "date", sort_order: "asc" } } });
    expect(screen.getAllByTestId("commit-row-placeholder").length).toBeGreaterThan(0);
    await act(async () => {
      release();
    });
    await flush();
    expect(screen.queryAllByTestId("commit-row-placeholder")).toHaveLength(0);
    const last = rows().find((r) => r.dataset["index"] === String(TOTAL - 1))!;
    expect(last.dataset["hash"]).toBe(ALL[TOTAL - 1]!.hash);
    expect(calls("query_commits").filter((a) => JSON.stringify(a).includes("cursor"))).toHaveLength(0);
  });

  it("shows a failed page in its rows' place with Retry, and Retry loads it", async () => {
    let failures = 1;
    backend({
      count_commits: () => Promise.resolve(TOTAL),
      query_commits: (args) => {
        const query = args["query"] as { options: { limit: number; cursor?: string; offset?: number; sort_order?: string } };
        if (query.options.sort_order === "asc" && failures > 0) {
          failures -= 1;
          return Promise.reject({ code: "storage", message: "database is locked" });
        }
        return Promise.resolve(pageOf(ALL, query.options));
      },
    });
    await openHistory();
    const list = screen.getByTestId("commit-list");
    await act(async () => {
      list.scrollTop = TOTAL * 30;
      fireEvent.scroll(list);
    });
    await flush();
    const placeholders = screen.getAllByTestId("commit-row-placeholder");
    expect(placeholders[0]!.textContent).toContain("Could not load these commits: database is locked");
    // The first page is still there above; no error banner replaces the list.
    expect(screen.queryByTestId("error-banner")).toBeNull();
    await act(async () => {
      fireEvent.click(within(placeholders[0]!).getByRole("button", { name: "Retry" }));
    });
    await flush();
    expect(screen.queryAllByTestId("commit-row-placeholder")).toHaveLength(0);
    expect(rows().some((r) => r.dataset["index"] === String(TOTAL - 1))).toBe(true);
  });

  it("moves with j/k and the arrows, opens with Enter and closes with Esc", async () => {
    backend();
    await openHistory();
    const list = screen.getByTestId("commit-list");
    for (const key of ["j", "j", "j", "k", "ArrowDown", "ArrowUp"]) fireEvent.keyDown(list, { key });
    await flush();
    expect(selected()).toEqual([1]);
    expect(screen.queryByTestId("commit-view")).toBeNull();

    fireEvent.keyDown(list, { key: "Enter" });
    await flush();
    expect(calls("get_commit_stat")).toEqual([{ repositoryId: 1, hash: ALL[1]!.hash }]);
    expect(screen.getByTestId("commit-full-hash").textContent).toBe(ALL[1]!.hash);
    expect(screen.getByTestId("commit-title").textContent).toBe("Change number 1");
    expect(screen.getAllByTestId("diff-line").map((l) => l.dataset["kind"])).toEqual(["hunk", "context", "del", "add"]);
    expect(screen.getByTestId("binary-marker").textContent).toBe("binary");

    fireEvent.keyDown(list, { key: "j" });
    await flush();
    expect(screen.getByTestId("commit-view").dataset["hash"]).toBe(ALL[2]!.hash);

    fireEvent.keyDown(list, { key: "Escape" });
    await flush();
    expect(screen.queryByTestId("commit-view")).toBeNull();
    expect(selected()).toEqual([2]);
  });

  it("opens a parent from the commit view", async () => {
    backend();
    await openHistory();
    await act(async () => {
      fireEvent.click(rows()[0]!);
    });
    await flush();
    const parent = screen.getByTestId("commit-parent");
    expect(parent.dataset["hash"]).toBe(ALL[1]!.hash);
    await act(async () => {
      fireEvent.click(parent);
    });
    await flush();
    expect(screen.getByTestId("commit-view").dataset["hash"]).toBe(ALL[1]!.hash);
    expect(selected()).toEqual([1]);
  });

  it("`/` focuses the search box; Enter runs the search; a bad search shows a readable error", async () => {
    backend();
    await openHistory();
    fireEvent.keyDown(screen.getByTestId("commit-list"), { key: "/" });
    const search = screen.getByTestId("history-search");
    expect(document.activeElement).toBe(search);

    fireEvent.change(search, { target: { value: "author:alice" } });
    await act(async () => {
      fireEvent.submit(search.closest("form")!);
    });
    await flush();
    expect(calls("parse_search").at(-1)).toEqual({ text: "author:alice" });
    expect(calls("query_commits").at(-1)).toEqual({
      query: { filter: { and: [{ field: "author", op: "like", value: "%alice%" }] }, options: { limit: 200 } },
    });
    expect(screen.getByTestId("history-summary").textContent).toBe("150 commits");
    const authors = rows().map((r) => within(r).getByTestId("commit-author").textContent);
    expect(authors.length).toBeGreaterThan(0);
    expect(new Set(authors)).toEqual(new Set(["Alice Kim"]));

    fireEvent.change(search, { target: { value: "colour:blue" } });
    await act(async () => {
      fireEvent.submit(search.closest("form")!);
    });
    await flush();
    const banner = screen.getByTestId("error-banner");
    expect(within(banner).getByTestId("error-code").textContent).toBe("query");
    expect(within(banner).getByTestId("error-message").textContent).toBe('query error: unknown search key "colour"');
    expect(rows()).toHaveLength(0);
  });

  it("sorts the list; relevance only with words to search", async () => {
    backend();
    await openHistory();
    const sort = screen.getByTestId("history-sort") as HTMLSelectElement;
    const relevance = () => [...sort.options].find((o) => o.value === "relevance")!;
    expect(sort.value).toBe("date");
    expect(relevance().disabled).toBe(true);

    await act(async () => {
      fireEvent.change(sort, { target: { value: "additions" } });
    });
    await flush();
    expect(calls("query_commits").at(-1)).toEqual({ query: { options: { limit: 200, sort_by: "additions", sort_order: "desc" } } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-sort-order"));
    });
    await flush();
    expect(calls("query_commits").at(-1)).toEqual({ query: { options: { limit: 200, sort_by: "additions", sort_order: "asc" } } });

    const search = screen.getByTestId("history-search");
    fireEvent.change(search, { target: { value: "crash" } });
    await act(async () => {
      fireEvent.submit(search.closest("form")!);
    });
    await flush();
    expect(relevance().disabled).toBe(false);
    await act(async () => {
      fireEvent.change(sort, { target: { value: "relevance" } });
    });
    await flush();
    expect(calls("query_commits").at(-1)).toEqual({
      query: { filter: { and: [{ field: "text", op: "eq", value: "crash" }] }, options: { limit: 200, sort_by: "relevance", sort_order: "desc" } },
    });

    // Without words again, the list goes back to the default order.
    fireEvent.change(search, { target: { value: "author:alice" } });
    await act(async () => {
      fireEvent.submit(search.closest("form")!);
    });
    await flush();
    expect(sort.value).toBe("date");
    expect(calls("query_commits").at(-1)).toEqual({
      query: { filter: { and: [{ field: "author", op: "like", value: "%alice%" }] }, options: { limit: 200 } },
    });
  });

  it("limits the list to the repository chosen in the selector", async () => {
    backend();
    await openHistory();
    await act(async () => {
      fireEvent.change(screen.getByTestId("history-repo"), { target: { value: "demo" } });
    });
    await flush();
    expect(calls("query_commits").at(-1)).toEqual({
      query: { filter: { field: "repository", op: "eq", value: "demo" }, options: { limit: 200 } },
    });
  });
});
