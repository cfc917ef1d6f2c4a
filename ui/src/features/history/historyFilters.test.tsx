import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Commit } from "../../bindings/Commit";
import type { Filter } from "../../bindings/Filter";
import type { SavedQuery } from "../../bindings/SavedQuery";


import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { PARSE_DELAY_MS } from "./useFilterEditing";

const INFO = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 1, blob_store: "blobs" } };
const REPO = { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: 1, commit_count: 3, is_shallow: false };

function commit(i: number): Commit {
  const who = { name: "Alice Kim", email: "alice@example.com", time: 1_700_000_000 - i * 60, tz_offset_minutes: 0 };
  return {
    id: i + 1,
    repository_id: 1,
    hash: (i + 1).toString(16).padStart(40, "a"),
    parents: [],
    author: who,
    committer: who,
    message: `Change ${i}`,
    pusher: null,
    commit_count: null,
    raw_author: null,
    raw_committer: null,
    totals: { total_additions: i, total_deletions: 1, files_changed: 1 },
    stored_at: 0,
  };
}

type Args = Record<string, unknown>;
let tauri: TauriMock;
let saved: SavedQuery[];
let snippets: { commit_id: number; parts: { text: string; hit: boolean }[] }[];

/** A fake of the backend's parser for the few texts these tests type. */
const PARSED: Record<string, Filter> = {
  "author:alice": { and: [{ field: "author", op: "like", value: "%alice%" }] },
  "author:alice -merge:yes": { and: [{ field: "author", op: "like", value: "%alice%" }, { not: { field: "merge", op: "eq", value: true } }] },
};

beforeEach(() => {
  tauri = mockTauri();
  saved = [];
  snippets = [];
  let nextId = 1;
  tauri.invoke.mockImplementation((command: string, args: Args) => {
    switch (command) {
      case "store_info":
        return Promise.resolve(INFO);
      case "list_repositories":
        return Promise.resolve([REPO]);
      case "query_commits":
        return Promise.resolve({ commits: [commit(0), commit(1), commit(2)], total: 3, total_is_lower_bound: false, next_cursor: null, snippets });
      case "parse_search": {
        const parsed = PARSED[args["text"] as string];
        return parsed ? Promise.resolve(parsed) : Promise.reject({ code: "query", message: 'query error: unknown search key "colour"' });
      }
      case "list_refs":
        return Promise.resolve([
          { name: "refs/heads/main", kind: "branch", target: "a" },
          { name: "refs/heads/dev", kind: "branch", target: "b" },
          { name: "refs/tags/v1.0", kind: "tag", target: "c" },
        ]);
      case "list_saved_queries":
        return Promise.resolve(saved.slice());
      case "save_query": {
        const query = { id: nextId++, name: args["name"] as string, filter: args["filter"] as Filter, created_at: 0, updated_at: 0 };
        saved = [...saved.filter((q) => q.name !== query.name), query];
        return Promise.resolve(query);
      }
      case "rename_saved_query": {
        const found = saved.find((q) => q.name === args["name"]);
        if (!found) return Promise.reject({ code: "not_found", message: "no such saved query" });
        found.name = args["newName"] as string;
        return Promise.resolve(found);
      }
      case "delete_saved_query":
        saved = saved.filter((q) => q.name !== args["name"]);
        return Promise.resolve(null);
      default:
        return Promise.reject(`unexpected command ${command}`);
    }
  });
});
afterEach(cleanup);

const sizes = { clientHeight: 600, clientWidth: 900, offsetHeight: 600, offsetWidth: 900 };
const descriptors = new Map<string, PropertyDescriptor | undefined>();
beforeAll(() => {
  for (const [key, value] of Object.entries(sizes)) {
    descriptors.set(key, Object.getOwnPropertyDescriptor(HTMLElement.prototype, key));
    Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const [key, descriptor] of descriptors) {
    if (descriptor !== undefined) Object.defineProperty(HTMLElement.prototype, key, descriptor);
  }
});

const calls = (command: string) => tauri.invoke.mock.calls.filter(([c]) => c === command).map(([, args]) => args as Args);
const lastQueryFilter = () => (calls("query_commits").at(-1)!["query"] as { filter?: Filter }).filter;
const searchBox = () => screen.getByTestId("history-search") as HTMLInputElement;
const rowsOf = () =>
  screen.queryAllByTestId("filter-row").map((row) => ({
    negate: (within(row).getByTestId("filter-row-negate") as HTMLInputElement).checked,
    field: (within(row).getByTestId("filter-row-field") as HTMLSelectElement).value,
    op: (within(row).getByTestId("filter-row-op") as HTMLSelectElement).value,
    value: (within(row).getByTestId("filter-row-value") as HTMLInputElement).value,
  }));

async function wait(ms = 0) {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

async function openHistory() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId("nav-history"));
  });
  await wait();
}

async function click(testId: string, within_: HTMLElement = document.body) {
  await act(async () => {
    fireEvent.click(within(within_).getByTestId(testId));
  });
  await wait();
}

describe("filter builder and search box", () => {
  it("shows in the builder what is typed in the search box, once the backend has parsed it", async () => {
    await openHistory();
    await click("history-filter-toggle");
    expect(screen.getByTestId("filter-empty")).toBeTruthy();
    fireEvent.change(searchBox(), { target: { value: "author:alice -merge:yes" } });
    await wait(PARSE_DELAY_MS + 50);
    expect(calls("parse_search")).toEqual([{ text: "author:alice -merge:yes" }]);
    expect(rowsOf()).toEqual([
      { negate: false, field: "author", op: "like", value: "%alice%" },
      { negate: true, field: "merge", op: "eq", value: "true" },
    ]);
    expect(screen.getByTestId("history-filter-toggle").textContent).toBe("Filter (2)");
    // Typing is not searching: the list still shows every commit.
    expect(lastQueryFilter()).toBeUndefined();

    fireEvent.change(searchBox(), { target: { value: "colour:blue" } });
    await wait(PARSE_DELAY_MS + 50);
    expect(screen.getByTestId("search-syntax").textContent).toContain('unknown search key "colour"');
    expect(rowsOf()).toHaveLength(2);
  });

  it("writes builder edits into the search box, says when it cannot, validates values and applies", async () => {
    await openHistory();
    await click("history-filter-toggle");
    await click("filter-add");
    const row = () => screen.getAllByTestId("filter-row")[0]!;
    fireEvent.change(within(row()).getByTestId("filter-row-value"), { target: { value: "%bob%" } });
    expect(searchBox().value).toBe("author:bob");
    fireEvent.click(within(row()).getByTestId("filter-row-negate"));
    expect(searchBox().value).toBe("-author:bob");

    await click("filter-add");
    const second = () => screen.getAllByTestId("filter-row")[1]!;
    fireEvent.change(within(second()).getByTestId("filter-row-field"), { target: { value: "additions" } });
    fireEvent.change(within(second()).getByTestId("filter-row-value"), { target: { value: "ten" } });
    expect(within(second()).getByTestId("filter-row-error").textContent).toBe('"ten" is not a whole number');
    await click("filter-apply");
    expect(lastQueryFilter()).toBeUndefined();

    fireEvent.change(within(second()).getByTestId("filter-row-value"), { target: { value: "10" } });
    expect(screen.queryByTestId("filter-row-error")).toBeNull();
    expect(screen.getByTestId("filter-text-note").textContent).toBe("The search box cannot show the condition additions gte 10. It stays empty; Apply runs the filter from here.");
    expect(searchBox().value).toBe("");

    fireEvent.click(screen.getByTestId("filter-combinator-or"));
    expect(screen.getByTestId("filter-text-note").textContent).toContain("cannot show conditions joined by “or”");
    await click("filter-apply");
    expect(lastQueryFilter()).toEqual({
      or: [{ not: { field: "author", op: "like", value: "%bob%" } }, { field: "additions", op: "gte", value: 10 }],
    });

    await click("filter-clear");
    expect(rowsOf()).toEqual([]);
    expect(searchBox().value).toBe("");
    expect(lastQueryFilter()).toBeUndefined();
  });

  it("fills the builder from a search that ran with Enter", async () => {
    await openHistory();
    fireEvent.change(searchBox(), { target: { value: "author:alice" } });
    await act(async () => {
      fireEvent.submit(searchBox().closest("form")!);
    });
    await wait();
    expect(lastQueryFilter()).toEqual({ and: [{ field: "author", op: "like", value: "%alice%" }] });
    await click("history-filter-toggle");
    expect(rowsOf()).toEqual([{ negate: false, field: "author", op: "like", value: "%alice%" }]);
  });
});

describe("keyboard", () => {
  it("Enter in a condition's value applies the builder; Esc closes the panel", async () => {
    await openHistory();
    await click("history-filter-toggle");
    await click("filter-add");
    const value = screen.getByTestId("filter-row-value");
    fireEvent.change(value, { target: { value: "%kim%" } });
    await act(async () => {
      fireEvent.submit(value.closest("form")!);
    });
    await wait();
    expect(lastQueryFilter()).toEqual({ and: [{ field: "author", op: "like", value: "%kim%" }] });
    fireEvent.keyDown(screen.getByTestId("commit-list"), { key: "Escape" });
    await wait();
    expect(screen.queryByTestId("filter-builder")).toBeNull();
    expect(screen.getByTestId("history-filter-toggle").textContent).toBe("Filter (1)");
  });
});

describe("full-text results", () => {
  it("show the message around the searched-for words, marked", async () => {
    snippets = [{ commit_id: 2, parts: [{ text: "…tune the ", hit: false }, { text: "parser", hit: true }] }];
    await openHistory();
    const snippet = screen.getByTestId("commit-snippet");
    expect(snippet.closest('[data-testid="commit-row"]')!.getAttribute("data-index")).toBe("1");
    expect(snippet.textContent).toBe("…tune the parser");
    expect(snippet.querySelector("mark")!.textContent).toBe("parser");
    expect(screen.getAllByTestId("commit-snippet")).toHaveLength(1);
  });
});

describe("saved queries", () => {
  it("saves the list's filter, applies, renames and deletes (after confirming)", async () => {
    await openHistory();
    await click("history-saved-toggle");
    expect(screen.getByTestId("saved-empty")).toBeTruthy();
    expect(screen.getByTestId("saved-save").getAttribute("aria-disabled")).toBe("true");

    fireEvent.change(searchBox(), { target: { value: "author:alice" } });
    await act(async () => {
      fireEvent.submit(searchBox().closest("form")!);
    });
    await wait();
    fireEvent.change(screen.getByTestId("saved-name"), { target: { value: " Alice's work " } });
    await click("saved-save");
    expect(calls("save_query")).toEqual([{ name: "Alice's work", filter: PARSED["author:alice"] }]);
    const item = () => screen.getByTestId("saved-item");
    expect(item().dataset["name"]).toBe("Alice's work");
    expect(item().textContent).toContain("author:alice");

    // Applying puts the filter back in the search box and runs it.
    await act(async () => {
      fireEvent.click(screen.getByTestId("history-filter-toggle"));
    });
    await click("filter-clear");
    expect(searchBox().value).toBe("");
    await click("history-saved-toggle");
    await click("saved-apply", item());
    expect(searchBox().value).toBe("author:alice");
    expect(lastQueryFilter()).toEqual(PARSED["author:alice"]);

    await click("saved-rename", item());
    fireEvent.change(screen.getByTestId("saved-rename-input"), { target: { value: "Alice" } });
    await click("saved-rename-ok");
    expect(calls("rename_saved_query")).toEqual([{ name: "Alice's work", newName: "Alice" }]);
    expect(item().dataset["name"]).toBe("Alice");

    await click("saved-delete", item());
    expect(screen.getByTestId("confirm-message").textContent).toContain("“Alice” will be deleted");
    await click("confirm-cancel");
    expect(calls("delete_saved_query")).toEqual([]);
    await click("saved-delete", item());
    await click("confirm-ok");
    expect(calls("delete_saved_query")).toEqual([{ name: "Alice" }]);
    expect(screen.queryByTestId("saved-item")).toBeNull();
    expect(screen.getByTestId("saved-empty")).toBeTruthy();
  });

  it("lists the saved queries again after each change, and not after a failed one", async () => {
    saved = [{ id: 7, name: "mine", filter: PARSED["author:alice"]!, created_at: 0, updated_at: 0 }];
    await openHistory();
    await click("history-saved-toggle");
    const listed = () => calls("list_saved_queries").length;
    const item = () => screen.getByTestId("saved-item");
    const before = listed();
    expect(before).toBeGreaterThan(0);

    await click("saved-rename", item());
    fireEvent.change(screen.getByTestId("saved-rename-input"), { target: { value: "ours" } });
    await click("saved-rename-ok");
    expect(listed()).toBe(before + 1);
    expect(item().dataset["name"]).toBe("ours");

    // The backend lost it: the rename fails, the error shows, the list is left as it was.
    saved = [];
    await click("saved-rename", item());
    fireEvent.change(screen.getByTestId("saved-rename-input"), { target: { value: "theirs" } });
    await click("saved-rename-ok");
    expect(screen.getByTestId("error-message").textContent).toBe("no such saved query");
    expect(listed()).toBe(before + 1);
    expect(item().dataset["name"]).toBe("ours");
    fireEvent.keyDown(screen.getByTestId("saved-rename-input"), { key: "Escape" });

    // Deleting clears the error and fetches the list again (now empty).
    await click("saved-delete", item());
    await click("confirm-ok");
    expect(listed()).toBe(before + 2);
    expect(screen.queryByTestId("error-banner")).toBeNull();
    expect(screen.getByTestId("saved-empty")).toBeTruthy();
  });

  it("applies a saved filter the search box cannot show, and says so", async () => {
    const either: Filter = { or: [{ field: "author", op: "like", value: "%a%" }, { field: "additions", op: "gt", value: 5 }] };
    saved = [{ id: 3, name: "either", filter: either, created_at: 0, updated_at: 0 }];
    await openHistory();
    fireEvent.change(searchBox(), { target: { value: "author:alice" } });
    await click("history-saved-toggle");
    expect(screen.getByTestId("saved-item").textContent).toContain("(built filter with conditions joined by “or” (it joins them by “and”))");
    await click("saved-apply");
    expect(lastQueryFilter()).toEqual(either);
    expect(searchBox().value).toBe("");
    expect(screen.getByTestId("search-text-note").textContent).toBe(
      "The search box cannot show conditions joined by “or” (it joins them by “and”). Open Filter to see or change the filter.",
    );
    await click("history-filter-toggle");
    expect(rowsOf().map((r) => r.field)).toEqual(["author", "additions"]);
    expect((screen.getByTestId("filter-combinator-or") as HTMLInputElement).checked).toBe(true);
  });

  it("applies a nested saved filter as it is, and the builder says it cannot show it", async () => {
    const nested: Filter = { and: [{ field: "merge", op: "eq", value: false }, { or: [{ field: "author", op: "like", value: "%a%" }, { field: "author", op: "like", value: "%b%" }] }] };
    saved = [{ id: 4, name: "nested", filter: nested, created_at: 0, updated_at: 0 }];
    await openHistory();
    await click("history-saved-toggle");
    await click("saved-apply");
    expect(lastQueryFilter()).toEqual(nested);
    expect(screen.getByTestId("search-text-note").textContent).toBe("The search box cannot show nested groups. Open Filter to see or change the filter.");
    await click("history-filter-toggle");
    expect(screen.getByTestId("filter-nested")).toBeTruthy();
    await click("filter-start-over");
    expect(rowsOf()).toHaveLength(1);
    // Nothing runs until Apply: the list still shows the nested filter.
    expect(lastQueryFilter()).toEqual(nested);
  });

  it("shows a failed change as a readable error", async () => {
    saved = [{ id: 9, name: "old", filter: { and: [] }, created_at: 0, updated_at: 0 }];
    await openHistory();
    await click("history-saved-toggle");
    saved = [];
    await click("saved-rename");
    fireEvent.change(screen.getByTestId("saved-rename-input"), { target: { value: "new" } });
    await click("saved-rename-ok");
    expect(screen.getByTestId("error-message").textContent).toBe("no such saved query");
  });
});

describe("branch selector", () => {
  it("offers a repository's branches and tags and limits the list to the chosen one", async () => {
    await openHistory();
    const select = () => screen.getByTestId("history-branch") as HTMLSelectElement;
    expect(select().disabled).toBe(true);
    await act(async () => {
      fireEvent.change(screen.getByTestId("history-repo"), { target: { value: "demo" } });
    });
    await wait();
    expect(calls("list_refs")).toEqual([{ repositoryId: 1 }]);
    expect(select().disabled).toBe(false);
    expect([...select().options].map((o) => o.value)).toEqual(["", "dev", "main", "v1.0"]);
    await act(async () => {
      fireEvent.change(select(), { target: { value: "v1.0" } });
    });
    await wait();
    expect(lastQueryFilter()).toEqual({
      and: [
        { field: "repository", op: "eq", value: "demo" },
        { field: "branch", op: "eq", value: "v1.0" },
      ],
    });
    // Another repository (here: all of them) drops the branch.
    await act(async () => {
      fireEvent.change(screen.getByTestId("history-repo"), { target: { value: "" } });
    });
    await wait();
    expect(lastQueryFilter()).toBeUndefined();
    expect(select().value).toBe("");
  });
});
