import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Commit } from "../../bindings/Commit";
import type { FileChange } from "../../bindings/FileChange";
import { renderWithClient } from "../../shared/testing/render";
import { mockTauri, type TauriMock } from "../../shared/testing/tauriMock";
import { CommitView } from "./CommitView";
import { DiffView } from "./DiffView";
import { DIFF_MODE_KEY } from "./diffMode";

function change(id: number, extra: Partial<FileChange>): FileChange {
  return { id, path: `src/f${id}.rs`, old_path: null, kind: "modified", is_binary: false, is_submodule: false, additions: 1, deletions: 1, diff_size: 10, diff: null, ...extra };
}

const who = { name: "Alice Kim", email: "alice@example.com", time: 1_700_000_000, tz_offset_minutes: 0 };
const COMMIT: Commit = {
  id: 1,
  repository_id: 7,
  hash: "c".repeat(40),
  parents: ["a".repeat(40), "b".repeat(40)],
  author: who,
  committer: who,
  message: "Merge things\n\nDetails",
  pusher: null,
  commit_count: null,
  raw_author: null,
  raw_committer: null,
  totals: { total_additions: 110, total_deletions: 20, files_changed: 3 },
  stored_at: 0,
};

const SMALL = "@@ -1,2 +1,2 @@\n fn a() {}\n-let x = 1;\n+let x = 2;\n";

let tauri: TauriMock;
let diffs: Record<number, () => Promise<string | null>>;

beforeEach(() => {
  tauri = mockTauri();
  localStorage.clear();
  diffs = {};
  tauri.invoke.mockImplementation((command: string, args: Record<string, unknown>) => {
    if (command === "get_file_diff") {
      const answer = diffs[args["fileChangeId"] as number];
      return answer ? answer() : Promise.resolve(null);
    }
    if (command === "get_commit_stat") {
      return Promise.resolve({
        commit: COMMIT,
        changes: [
          change(1, { additions: 100, deletions: 0 }),
          change(2, { additions: 10, deletions: 20 }),
          change(3, { path: "logo.png", kind: "added", is_binary: true, additions: null, deletions: null, diff_size: null }),
        ],
      });
    }
    return Promise.reject(`unexpected command ${command}`);
  });
});
afterEach(() => {
  cleanup();
  localStorage.clear();
});

async function flush() {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

const fileCalls = () => tauri.invoke.mock.calls.filter(([c]) => c === "get_file_diff").map(([, a]) => (a as { fileChangeId: number }).fileChangeId);

describe("DiffView", () => {
  it("fetches each file's diff by its change id, and none for a binary file", async () => {
    diffs[1] = () => Promise.resolve(SMALL);
    diffs[2] = () => Promise.resolve("@@ -1 +1 @@\n-a\n+b\n");
    renderWithClient(<DiffView changes={[change(1, {}), change(2, {}), change(3, { is_binary: true, diff_size: null })]} />);
    expect(screen.getAllByTestId("diff-loading")).toHaveLength(2);
    await flush();
    expect(fileCalls()).toEqual([1, 2]);
    const files = screen.getAllByTestId("file-diff");
    expect(files.map((f) => f.dataset["state"])).toEqual(["ready", "ready", "none"]);
    expect(within(files[0]!).getAllByTestId("diff-line").map((l) => l.dataset["kind"])).toEqual(["hunk", "context", "del", "add"]);
    expect(within(files[2]!).getByTestId("binary-marker").textContent).toBe("binary");
    expect(files[2]!.textContent).toContain("Binary file: no text diff.");
  });

  it("pages a very large diff with Show more, the first page at once", async () => {
    const body = Array.from({ length: 4999 }, (_, i) => `+line ${i}`).join("\n");
    diffs[1] = () => Promise.resolve(`@@ -0,0 +1,4999 @@\n${body}\n`);
    // Plain text (no highlighting): jsdom is slow enough at 5,000 rows.
    renderWithClient(<DiffView changes={[change(1, { path: "big.txt", additions: 4999, deletions: 0, diff_size: body.length })]} />);
    await flush();
    expect(screen.getAllByTestId("diff-line")).toHaveLength(2000);
    expect(screen.getByTestId("diff-more").textContent).toBe("Show 2,000 more lines");
    fireEvent.click(screen.getByTestId("diff-more"));
    expect(screen.getAllByTestId("diff-line")).toHaveLength(4000);
    expect(screen.getByTestId("diff-more").textContent).toBe("Show 1,000 more lines");
    fireEvent.click(screen.getByTestId("diff-more"));
    expect(screen.getAllByTestId("diff-line")).toHaveLength(5000);
    expect(screen.queryByTestId("diff-more")).toBeNull();
    expect(screen.getAllByTestId("diff-line").at(-1)!.textContent).toBe("4999+line 4998");
  }, 20_000);

  it("highlights code by the file's language, and says so when a diff is too large to highlight", async () => {
    diffs[1] = () => Promise.resolve(SMALL);
    const huge = `@@ -0,0 +1,30000 @@\n${"+let x = 1;\n".repeat(30000)}`;
    diffs[2] = () => Promise.resolve(huge);
    renderWithClient(<DiffView changes={[change(1, {}), change(2, { diff_size: huge.length })]} />);
    await flush();
    await vi.waitFor(() => expect(document.querySelector(".hljs-keyword")).not.toBeNull());
    const [small, large] = screen.getAllByTestId("file-diff");
    const add = within(small!).getAllByTestId("diff-line").find((l) => l.dataset["kind"] === "add")!;
    expect(add.querySelector(".hljs-keyword")?.textContent).toBe("let");
    expect(add.textContent).toBe("2+let x = 2;");
    expect(within(large!).getByTestId("highlight-skipped").textContent).toBe("Not highlighted: the diff is larger than 256 KB.");
    expect(large!.querySelector(".hljs-keyword")).toBeNull();
  });

  it("marks the text of a changed-lines search and jumps to the first file holding it", async () => {
    const scrolled: string[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this.closest("[data-testid='file-diff']")?.getAttribute("data-path") ?? "");
    };
    diffs[1] = () => Promise.resolve(SMALL);
    diffs[2] = () => Promise.resolve("@@ -1,2 +1,2 @@\n-old Unwrap() here\n+let y = v.unwrap();\n context unwrap\n");
    diffs[3] = () => Promise.resolve("@@ -1 +1 @@\n-a\n+x.unwrap()\n");
    const changes = [change(1, {}), change(2, {}), change(3, {}), change(4, {}), change(5, {})];
    renderWithClient(<DiffView changes={changes} terms={[{ text: "unwrap", side: "both" }]} />);
    await flush();
    await flush();
    expect(fileCalls().sort()).toEqual([1, 2, 3, 4, 5]);
    const marks = screen.getAllByTestId("diff-match");
    expect(marks.map((m) => m.textContent)).toEqual(["Unwrap", "unwrap", "unwrap"]);
    expect(marks.map((m) => m.closest("[data-testid='file-diff']")?.getAttribute("data-path"))).toEqual([
      "src/f2.rs",
      "src/f2.rs",
      "src/f3.rs",
    ]);
    expect(scrolled).toEqual(["src/f2.rs"]);
    expect(document.querySelector("[data-jump='yes']")?.closest("[data-testid='file-diff']")?.getAttribute("data-path")).toBe(
      "src/f2.rs",
    );
  });

  it("collapses and expands a file; a collapsed file does not load until expanded", async () => {
    diffs[1] = () => Promise.resolve(SMALL);
    renderWithClient(<DiffView changes={[change(1, {})]} />);
    await flush();
    expect(screen.getAllByTestId("diff-line")).toHaveLength(4);
    fireEvent.click(screen.getByTestId("diff-collapse"));
    expect(screen.queryAllByTestId("diff-line")).toHaveLength(0);
    expect(screen.getByTestId("diff-collapse").getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(screen.getByTestId("diff-collapse"));
    expect(screen.getAllByTestId("diff-line")).toHaveLength(4);
    expect(fileCalls()).toEqual([1]);
  });

  it("shows a file's error with Retry", async () => {
    let fail = true;
    diffs[1] = () => (fail ? Promise.reject({ code: "storage", message: "blob missing" }) : Promise.resolve(SMALL));
    renderWithClient(<DiffView changes={[change(1, {})]} />);
    await flush();
    expect(screen.getByTestId("error-message").textContent).toBe("blob missing");
    fail = false;
    await act(async () => {
      fireEvent.click(screen.getByTestId("diff-retry"));
    });
    await flush();
    expect(screen.getAllByTestId("diff-line")).toHaveLength(4);
  });

  it("fetches a later file's diff only once it scrolls near the view, and keeps it when collapsed", async () => {
    // A stand-in IntersectionObserver the test drives (jsdom has none, so everything counts as seen).
    const observers: { callback: IntersectionObserverCallback; targets: Element[] }[] = [];
    class FakeObserver {
      targets: Element[] = [];
      constructor(callback: IntersectionObserverCallback) {
        observers.push({ callback, targets: this.targets });
      }
      observe(element: Element) {
        this.targets.push(element);
      }
      disconnect() {
        this.targets.length = 0;
      }
    }
    vi.stubGlobal("IntersectionObserver", FakeObserver);
    try {
      for (const id of [1, 2, 3]) diffs[id] = () => Promise.resolve(SMALL);
      renderWithClient(<DiffView changes={[change(1, {}), change(2, {}), change(3, {})]} />);
      await flush();
      // The first files load at once; the third waits for its turn.
      expect(fileCalls()).toEqual([1, 2]);
      const third = screen.getAllByTestId("file-diff")[2]!;
      expect(third.dataset["state"]).toBe("idle");
      expect(within(third).getByTestId("diff-loading").textContent).toBe("The diff loads when it scrolls into view.");

      const watching = observers.find((o) => o.targets.includes(third))!;
      await act(async () => {
        watching.callback([{ isIntersecting: true, target: third } as unknown as IntersectionObserverEntry], watching as unknown as IntersectionObserver);
      });
      await flush();
      expect(fileCalls()).toEqual([1, 2, 3]);
      expect(third.dataset["state"]).toBe("ready");

      // Collapsing and expanding shows the same text without asking again.
      fireEvent.click(within(third).getByTestId("diff-collapse"));
      await flush();
      fireEvent.click(within(third).getByTestId("diff-collapse"));
      await flush();
      expect(within(third).getAllByTestId("diff-line")).toHaveLength(4);
      expect(fileCalls()).toEqual([1, 2, 3]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("shows old and new side by side in split mode", async () => {
    diffs[1] = () => Promise.resolve(SMALL);
    renderWithClient(<DiffView changes={[change(1, {})]} mode="split" />);
    await flush();
    const rows = screen.getAllByTestId("diff-split-row");
    expect(rows).toHaveLength(3);
    const cells = rows[2]!.querySelectorAll('[role="cell"]');
    expect([...cells].map((c) => c.textContent)).toEqual(["2", "-let x = 1;", "2", "+let x = 2;"]);
    expect(screen.queryAllByTestId("diff-line")).toHaveLength(0);
  });
});

describe("CommitView", () => {
  it("loads the commit without diffs, lists files with +/- bars and remembers the diff layout", async () => {
    diffs[1] = () => Promise.resolve(SMALL);
    const onOpenParent = vi.fn();
    await act(async () => {
      renderWithClient(<CommitView target={{ repositoryId: 7, hash: COMMIT.hash }} onOpenParent={onOpenParent} onClose={() => {}} />);
    });
    await flush();
    expect(tauri.invoke).toHaveBeenCalledWith("get_commit_stat", { repositoryId: 7, hash: COMMIT.hash });
    expect(tauri.invoke).not.toHaveBeenCalledWith("get_commit", expect.anything());
    const rows = screen.getAllByTestId("file-row");
    expect(rows).toHaveLength(3);
    const bars = screen.getAllByTestId("churn-bar").map((b) => [b.dataset["added"], b.dataset["removed"]]);
    expect(bars).toEqual([
      ["5", "0"],
      ["1", "1"],
    ]);
    expect(within(rows[2]!).getByTestId("file-binary").textContent).toBe("binary");

    const parents = screen.getAllByTestId("commit-parent");
    expect(parents.map((p) => p.dataset["hash"])).toEqual(["a".repeat(40), "b".repeat(40)]);
    fireEvent.click(parents[1]!);
    expect(onOpenParent).toHaveBeenCalledWith({ repositoryId: 7, hash: "b".repeat(40) });

    expect((screen.getByTestId("diff-mode-unified") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId("diff-mode-split"));
    expect(localStorage.getItem(DIFF_MODE_KEY)).toBe("split");
    expect(screen.getByTestId("diffs").dataset["mode"]).toBe("split");
    cleanup();
    await act(async () => {
      renderWithClient(<CommitView target={{ repositoryId: 7, hash: COMMIT.hash }} onOpenParent={onOpenParent} onClose={() => {}} />);
    });
    await flush();
    expect((screen.getByTestId("diff-mode-split") as HTMLInputElement).checked).toBe(true);
  });
});
