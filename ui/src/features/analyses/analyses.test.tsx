import { act, cleanup, fireEvent, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { AnalysisResult } from "../../bindings/AnalysisResult";
import type { AnalysisRun } from "../../bindings/AnalysisRun";

// The chart library draws into measured boxes jsdom does not have; the charts are stand-ins here.
vi.mock("./results/charts", () => ({
  RankBars: ({ label }: { label: string }) => <div data-testid="chart-bars">{label}</div>,
  Timeline: ({ label }: { label: string }) => <div data-testid="chart-timeline">{label}</div>,
  FileTreemap: ({ label }: { label: string }) => <div data-testid="chart-treemap">{label}</div>,
}));

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type Answers, type HeldCall, type TauriMock } from "../../shared/testing/tauriMock";

const INFO: AppInfo = { data_dir: "/data", store: { backend: "sqlite", location: "/data/repovault.db", schema_version: 7, blob_store: "blobs" } };
const REPO = { id: 1, workspace: "default", name: "demo", path: "/src/demo", created_at: 0, last_synced_at: null, commit_count: 12, is_shallow: false, index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null };
const PARAMS = {
  refs: [],
  since: null,
  until: null,
  aliases: {},
  limit: null,
  max_files_per_commit: null,
  min_shared: null,
  rev: null,
  include: [],
  exclude: [],
  exclude_authors: [],
  default_excludes: true,
};
const NOTHING_LEFT_OUT = { authors: [], author_commits: 0, files: 0, lines: 0, commits: 0 };

const AUTHORS: AnalysisResult = {
  kind: "authors",
  data: {
    authors: [
      { name: "Alice Kim", email: "alice@example.com", identities: [{ name: "Alice Kim", email: "alice@example.com" }], commits: 1234, additions: 50, deletions: 7, first_commit: 1704067200, last_commit: 1706745600, active_days: 9 },
      { name: "Bob", email: "bob@example.com", identities: [{ name: "Bob", email: "bob@example.com" }], commits: 3, additions: 1, deletions: 0, first_commit: 1704067200, last_commit: 1704067200, active_days: 1 },
    ],
    likely_aliases: [{ reason: "same_name", identities: [{ name: "Bob", email: "bob@example.com" }, { name: "Bob", email: "bob@home.org" }] }],
    total_commits: 1237,
    left_out: { ...NOTHING_LEFT_OUT, authors: [{ name: "dependabot[bot]", email: "bot@x", commits: 412 }], author_commits: 412 },
  },
};

const CHURN: AnalysisResult = {
  kind: "churn",
  data: {
    files: [{ path: "src/runtime/gc.rs", commits: 4, additions: 10, deletions: 2, churn: 12, last_changed: 1704067200 }],
    folders: [
      { path: "", commits: 4, files: 1, additions: 10, deletions: 2, churn: 12 },
      { path: "src/runtime", commits: 4, files: 1, additions: 10, deletions: 2, churn: 12 },
    ],
    total_files: 1,
    total_folders: 2,
    left_out: { ...NOTHING_LEFT_OUT, files: 2, lines: 900 },
  },
};

const HOTSPOTS: AnalysisResult = {
  kind: "hotspots",
  data: {
    hotspots: [{ path: "src/main.rs", commits: 10, churn: 120, lines: 300, score: 3000 }],
    size_source: "revision",
    revision: "abcdef1234567890",
    size_note: null,
    left_out: NOTHING_LEFT_OUT,
  },
};

function run(result: AnalysisResult | null, extra: Partial<AnalysisRun> = {}): AnalysisRun {
  return {
    id: 7,
    repository_id: 1,
    kind: result?.kind ?? "authors",
    params: PARAMS,
    revision: { commits: 12, newest: null, commit: null } as unknown as AnalysisRun["revision"],
    status: "done",
    created_at: 1706745600,
    started_at: 1706745600,
    finished_at: 1706745601,
    duration_ms: 42,
    result_version: 1,
    result,
    error: null,
    reused: false,
    ...extra,
  };
}

let runs: AnalysisRun[];
let tauri: TauriMock;
let control: HeldCall<"run_analysis">;

function backend(overrides: Answers = {}) {
  control = tauri.hold("run_analysis");
  tauri.answer({
    store_info: () => Promise.resolve(INFO),
    list_repositories: () => Promise.resolve([REPO]),
    list_analysis_runs: () => Promise.resolve(runs),
    cancel_analysis: () => Promise.resolve(true),
    get_analysis_run: () => Promise.resolve(run(HOTSPOTS, { id: 3 })),
    export_analysis: () => Promise.resolve(2),
    query_commits: () => Promise.resolve({ commits: [], total: 0, total_is_lower_bound: false, next_cursor: null, snippets: [] }),
    list_refs: () => Promise.resolve([]),
    list_saved_queries: () => Promise.resolve([]),
    ...overrides,
  });
}

const calls: TauriMock["calls"] = (command) => tauri.calls(command);

async function openAnalyses() {
  await act(async () => {
    renderWithClient(<App />);
  });
  await act(async () => {
    fireEvent.click(screen.getByTestId("nav-analyses"));
  });
}

describe("Analyses page", () => {
  beforeEach(() => {
    tauri = mockTauri();
    runs = [];
    backend();
  });
  afterEach(() => cleanup());

  it("chooses the first repository, runs authors with progress, and shows the table", async () => {
    await openAnalyses();
    expect((screen.getByTestId("analysis-repo") as HTMLSelectElement).value).toBe("demo");
    expect(screen.getByTestId("analysis-runs-empty").textContent).toMatch(/press Run/);
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(calls("run_analysis")[0]?.["request"]).toEqual({ repository: "demo", kind: "authors", params: PARAMS, force: false });
    await act(async () => {
      control.progress({ phase: "authors", done: 1, total: 4, per_second: null });
    });
    expect(screen.getByTestId("analysis-phase").textContent).toBe("Computing authors");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("25");
    runs = [run(AUTHORS)];
    await act(async () => {
      control.resolve(run(AUTHORS));
    });
    const table = screen.getByTestId("authors-table");
    const first = within(table).getAllByTestId("authors-table-row")[0]!;
    expect(within(first).getByTestId("author-commits").textContent).toBe("1,234");
    expect(screen.getByTestId("chart-bars")).toBeTruthy();
    expect(screen.getByTestId("analysis-left-out").textContent).toBe("Left out by the filters: 1 author (dependabot[bot]) with 412 commits");
    expect(screen.queryByTestId("analysis-reused")).toBeNull();
    expect(screen.getAllByTestId("analysis-run")).toHaveLength(1);
  });

  it("checks the parameters before running and names the bad one", async () => {
    await openAnalyses();
    fireEvent.change(screen.getByTestId("param-since"), { target: { value: "2024-05-01" } });
    fireEvent.change(screen.getByTestId("param-until"), { target: { value: "2024-01-01" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(screen.getByTestId("param-until-error").textContent).toMatch(/must not be before/);
    expect(calls("run_analysis")).toHaveLength(0);
  });

  it("shows a reused result and recomputes it with force", async () => {
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    await act(async () => {
      control.resolve(run(AUTHORS, { reused: true }));
    });
    expect(screen.getByTestId("analysis-reused").textContent).toBe("reused");
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-recompute"));
    });
    expect(calls("run_analysis")[1]?.["request"]).toMatchObject({ kind: "authors", force: true });
  });

  it("merges a likely alias into the parameters and runs again", async () => {
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    await act(async () => {
      control.resolve(run(AUTHORS));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("alias-merge"));
    });
    const request = calls("run_analysis")[1]?.["request"] as { params: { aliases: unknown } };
    expect(request.params.aliases).toEqual({ "bob@home.org": { name: "Bob", email: "bob@example.com" } });
  });

  it("cancels a run and says it was cancelled", async () => {
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-cancel"));
    });
    expect(calls("cancel_analysis")).toHaveLength(1);
    expect(screen.getByTestId("analysis-phase").textContent).toBe("Cancelling…");
    await act(async () => {
      control.resolve(run(null, { status: "cancelled", error: { code: "cancelled", message: "cancelled" } }));
    });
    expect(screen.getByTestId("analysis-cancelled")).toBeTruthy();
  });

  it("lists the runs again once a run finishes, also a failed one, not while it runs", async () => {
    await openAnalyses();
    expect(calls("list_analysis_runs")).toEqual([{ repository: "demo", limit: 30 }]);
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(calls("list_analysis_runs")).toHaveLength(1);
    runs = [run(null, { id: 8, status: "failed", error: { code: "storage", message: "disk full" } })];
    await act(async () => {
      control.resolve(runs[0]!);
    });
    expect(calls("list_analysis_runs")).toHaveLength(2);
    expect(screen.getAllByTestId("analysis-run").map((b) => b.dataset["status"])).toEqual(["failed"]);
    expect(screen.getByTestId("error-message").textContent).toBe("disk full");
  });

  it("opens a stored run (Opening… first), shows a failure to load it, and loads it afresh when opened again", async () => {
    runs = [run(null, { id: 3, kind: "hotspots" })];
    const stored = tauri.hold("get_analysis_run");
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run"));
    });
    expect(screen.getByTestId("analysis-result").dataset["status"]).toBe("opening");
    expect(screen.getByTestId("analysis-result").textContent).toContain("Opening the run…");
    await act(async () => {
      stored.fail({ code: "not_found", message: "no analysis run 3" });
    });
    expect(screen.getByTestId("analysis-result").dataset["status"]).toBe("error");
    expect(screen.getByTestId("error-message").textContent).toBe("no analysis run 3");

    backend();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run"));
    });
    expect(calls("get_analysis_run")).toEqual([{ runId: 3 }, { runId: 3 }]);
    expect(screen.getByTestId("analysis-run-info").dataset["runId"]).toBe("3");
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("shows a command error readably", async () => {
    backend({ run_analysis: () => Promise.reject({ code: "not_found", message: "no repository named demo" }) });
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(screen.getByTestId("error-message").textContent).toBe("no repository named demo");
  });

  it("opens an earlier run, exports its table, and a hotspot opens that file's commits in History", async () => {
    runs = [run(null, { id: 3, kind: "hotspots" })];
    window.__REPOVAULT_E2E_SAVE_PATH__ = "/tmp/out/hot.csv";
    try {
      await openAnalyses();
      await act(async () => {
        fireEvent.click(screen.getByTestId("analysis-run"));
      });
      expect(calls("get_analysis_run")).toEqual([{ runId: 3 }]);
      expect(screen.getByTestId("analysis-kind-hotspots").getAttribute("aria-selected")).toBe("true");
      expect(screen.getByTestId("chart-treemap")).toBeTruthy();
      await act(async () => {
        fireEvent.click(screen.getByTestId("export-hotspots"));
      });
      expect(calls("export_analysis")).toEqual([{ runId: 3, table: "hotspots", format: "csv", path: "/tmp/out/hot.csv" }]);
      expect(screen.getByTestId("analysis-export-result").textContent).toContain("2 rows to /tmp/out/hot.csv");
      await act(async () => {
        fireEvent.click(screen.getByTestId("open-path-history"));
      });
      expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("History");
      const query = calls("query_commits").at(-1)?.["query"] as { filter: unknown };
      expect(query.filter).toEqual({
        and: [
          { field: "repository", op: "eq", value: "demo" },
          { field: "path", op: "eq", value: "src/main.rs" },
        ],
      });
    } finally {
      delete window.__REPOVAULT_E2E_SAVE_PATH__;
    }
  });

  it("moves between kinds with the arrow keys and shows only that kind's parameters", async () => {
    await openAnalyses();
    const tab = screen.getByTestId("analysis-kind-authors");
    await act(async () => {
      fireEvent.keyDown(tab, { key: "ArrowLeft" });
    });
    expect(screen.getByTestId("analysis-kind-structure").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("param-rev")).toBeTruthy();
    expect(screen.queryByTestId("param-since")).toBeNull();
  });

  it("shows each kind's default exclusions, sends the filters, and says what was left out", async () => {
    await openAnalyses();
    expect(screen.getByTestId("analysis-defaults").textContent).toContain("*[bot]*");
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-kind-activity"));
    });
    expect(screen.getByTestId("param-include")).toBeTruthy();
    expect(screen.queryByTestId("analysis-defaults")).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-kind-churn"));
    });
    expect(screen.getByTestId("analysis-defaults").textContent).toContain("*.lock");
    fireEvent.change(screen.getByTestId("param-exclude"), { target: { value: "docs/**, CHANGELOG.md" } });
    fireEvent.change(screen.getByTestId("param-excludeAuthors"), { target: { value: "ann@example.com" } });
    fireEvent.click(screen.getByTestId("param-default-excludes"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(calls("run_analysis")[0]?.["request"]).toMatchObject({
      kind: "churn",
      params: { exclude: ["docs/**", "CHANGELOG.md"], exclude_authors: ["ann@example.com"], default_excludes: false },
    });
    await act(async () => {
      control.resolve(run(CHURN));
    });
    expect(screen.getByTestId("analysis-left-out").textContent).toBe("Left out by the filters: 2 files (900 lines)");
  });

  it("narrows to a folder chosen in churn, and the other kinds keep it", async () => {
    await openAnalyses();
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-kind-churn"));
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    await act(async () => {
      control.resolve(run(CHURN));
    });
    const folder = screen.getAllByTestId("narrow-folder");
    expect(folder.map((b) => b.dataset["folder"])).toEqual(["src/runtime"]);
    control = tauri.hold("run_analysis");
    await act(async () => {
      fireEvent.click(folder[0]!);
    });
    expect(calls("run_analysis")[1]?.["request"]).toMatchObject({ kind: "churn", params: { include: ["src/runtime/**"] } });
    expect((screen.getByTestId("param-include") as HTMLInputElement).value).toBe("src/runtime/**");
    await act(async () => {
      control.resolve(run(CHURN, { id: 8, params: { ...PARAMS, include: ["src/runtime/**"] } }));
    });
    expect((screen.getByTestId("param-include") as HTMLInputElement).value).toBe("src/runtime/**");
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-kind-ownership"));
    });
    control = tauri.hold("run_analysis");
    await act(async () => {
      fireEvent.click(screen.getByTestId("analysis-run-button"));
    });
    expect(calls("run_analysis")[2]?.["request"]).toMatchObject({ kind: "ownership", params: { include: ["src/runtime/**"] } });
  });

  it("says to add a repository when there is none", async () => {
    backend({ list_repositories: () => Promise.resolve([]) });
    await openAnalyses();
    expect(screen.getByTestId("analyses-empty").textContent).toMatch(/Repositories page/);
  });
});
