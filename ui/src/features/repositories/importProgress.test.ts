import { describe, expect, it } from "vitest";

import type { ImportReport } from "../../bindings/ImportReport";
import { PHASE_LABELS, describeReport, progressCount, progressFraction, progressRate } from "./importProgress";

const report = (extra: Partial<ImportReport>): ImportReport => ({
  repository: {
    id: 1,
    workspace: "default",
    name: "demo",
    path: "/src/demo",
    created_at: 0,
    last_synced_at: 1,
    commit_count: 300,
    is_shallow: false,
    index_changes: true, remote_url: null, sync_interval_secs: null, last_sync_attempt_at: null, last_sync_error: null,
  },
  new_commits: 300,
  refs: 4,
  up_to_date: false,
  is_shallow: false,
  seconds: 1.234,
  index_seconds: 0.2,
  ...extra,
});

describe("import progress", () => {
  it("is indeterminate until the total is known", () => {
    expect(progressFraction(null)).toBeNull();
    expect(progressFraction({ phase: "scanning", done: 0, total: 0, per_second: null })).toBeNull();
    expect(progressCount({ phase: "scanning", done: 0, total: 0, per_second: null })).toBe("");
  });

  it("reports done/total and rate while importing", () => {
    const p = { phase: "importing" as const, done: 1500, total: 6000, per_second: 2345.6 };
    expect(progressFraction(p)).toBe(0.25);
    expect(progressCount(p, "en-US")).toBe("1,500 / 6,000 commits");
    expect(progressRate(p, "en-US")).toBe("2,346 commits/s");
  });

  it("is indeterminate while the automatic backup before a large import runs", () => {
    const p = { phase: "backing_up" as const, done: 0, total: 12000, per_second: null };
    expect(progressFraction(p)).toBeNull();
    expect(progressCount(p, "en-US")).toBe("12,000 commits to import");
  });

  it("counts the commits indexed after the import stored them", () => {
    const p = { phase: "indexing" as const, done: 250, total: 1000, per_second: null };
    expect(progressFraction(p)).toBe(0.25);
    expect(progressCount(p, "en-US")).toBe("250 / 1,000 commits");
    expect(PHASE_LABELS.indexing).toBe("Indexing changed lines");
  });

  it("is full when finishing or done, and clamps", () => {
    expect(progressFraction({ phase: "finishing", done: 3, total: 3, per_second: null })).toBe(1);
    expect(progressFraction({ phase: "done", done: 0, total: 0, per_second: null })).toBe(1);
    expect(progressFraction({ phase: "importing", done: 9, total: 3, per_second: null })).toBe(1);
    expect(progressRate({ phase: "done", done: 0, total: 0, per_second: null })).toBe("");
  });

  it("describes how an import ended", () => {
    expect(describeReport(report({}), "en-US")).toBe("demo: imported 300 new commits in 1.2 s.");
    expect(describeReport(report({ new_commits: 1, seconds: 42.6 }), "en-US")).toBe("demo: imported 1 new commit in 43 s.");
    expect(describeReport(report({ up_to_date: true, new_commits: 0 }))).toBe("demo is up to date; nothing new to import.");
    expect(describeReport(report({ is_shallow: true, new_commits: 2000 }), "en-US")).toBe(
      "demo: imported 2,000 new commits in 1.2 s. It is a shallow clone: older history is missing.",
    );
  });
});
