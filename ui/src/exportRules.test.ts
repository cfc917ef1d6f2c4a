import { describe, expect, it } from "vitest";

import { exportRequest, pageRequest } from "./commitPages";
import { defaultExportName, exportProgressText, exportResultText, exportTarget } from "./exportRules";

describe("exportTarget", () => {
  it("takes the format from the extension, in any case", () => {
    expect(exportTarget("/tmp/a.csv")).toEqual({ path: "/tmp/a.csv", format: "csv" });
    expect(exportTarget("/tmp/a.JSON")).toEqual({ path: "/tmp/a.JSON", format: "json" });
    expect(exportTarget("/tmp/a.b.ndjson")).toEqual({ path: "/tmp/a.b.ndjson", format: "ndjson" });
  });

  it("adds .csv to a name without a known extension", () => {
    expect(exportTarget("/tmp/commits")).toEqual({ path: "/tmp/commits.csv", format: "csv" });
    expect(exportTarget("/tmp/commits.txt")).toEqual({ path: "/tmp/commits.txt.csv", format: "csv" });
    expect(exportTarget("/tmp/.csv")).toEqual({ path: "/tmp/.csv.csv", format: "csv" });
    expect(exportTarget("/tmp/v1.2/commits")).toEqual({ path: "/tmp/v1.2/commits.csv", format: "csv" });
    expect(exportTarget("C:\\x.y\\out")).toEqual({ path: "C:\\x.y\\out.csv", format: "csv" });
  });
});

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
    expect(exportProgressText({ written: 500, total: 2025 })).toBe("500 / 2,025 commits");
    expect(exportProgressText({ written: 500, total: 1000 }, true)).toBe("500 / 1,000+ commits");
    expect(exportProgressText({ written: 1500, total: 1000 })).toBe("1,500 / 1,500+ commits");
  });

  it("says how many commits went where", () => {
    expect(exportResultText(1, "/tmp/a.csv")).toBe("Exported 1 commit to /tmp/a.csv");
    expect(exportResultText(2025, "/tmp/a.csv")).toBe("Exported 2,025 commits to /tmp/a.csv");
  });
});
