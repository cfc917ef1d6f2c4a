import { describe, expect, it } from "vitest";

import { exportRequest, pageRequest } from "./commitPages";
import { defaultExportName, exportProgressText, exportResultText } from "./exportRules";

describe("exportRequest", () => {
  it("exports what the list shows: every commit, or one repository's", () => {
    expect(exportRequest({ repository: null, branch: null, filter: null })).toEqual({ query: { options: {} }, search: null });
    expect(exportRequest({ repository: "demo", branch: null, filter: { and: [] } })).toEqual({
      query: { filter: { field: "repository", op: "eq", value: "demo" }, options: {} },
      search: null,
    });
  });

  it("sends the list's own filter (repository, branch and search together)", () => {
    const source = { repository: "demo", branch: "v1.0", filter: { and: [{ field: "author", op: "like", value: "%alice%" }] } };
    const request = exportRequest(source);
    expect(request.search).toBeNull();
    expect(request.query.filter).toEqual(pageRequest(source, null).filter);
  });
});

describe("export texts", () => {
  it("names the default file after the repository", () => {
    expect(defaultExportName(null)).toBe("commits.csv");
    expect(defaultExportName("demo")).toBe("demo.csv");
    expect(defaultExportName("org/app")).toBe("org-app.csv");
  });

  it("shows progress, with + for a lower-bound total", () => {
    expect(exportProgressText(null)).toBe("Starting export…");
    expect(exportProgressText({ phase: "writing", done: 500, total: 2025, per_second: null })).toBe("500 / 2,025 commits");
    expect(exportProgressText({ phase: "writing", done: 500, total: 1000, per_second: null }, true)).toBe("500 / 1,000+ commits");
    expect(exportProgressText({ phase: "writing", done: 1500, total: 1000, per_second: null })).toBe("1,500 / 1,500+ commits");
  });

  it("says how many commits went where", () => {
    expect(exportResultText(1, "/tmp/a.csv")).toBe("Exported 1 commit to /tmp/a.csv");
    expect(exportResultText(2025, "/tmp/a.csv")).toBe("Exported 2,025 commits to /tmp/a.csv");
  });
});
