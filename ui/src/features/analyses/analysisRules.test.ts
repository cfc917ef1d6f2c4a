import { describe, expect, it } from "vitest";

import {
  analysisExportName,
  dateToUnix,
  EMPTY_FORM,
  formToParams,
  folderGlob,
  formChanged,
  globProblem,
  isMerged,
  leftOutText,
  mergeAlias,
  paramsSummary,
  paramsToForm,
  parsePatterns,
  parseRefs,
  phaseLabel,
  progressFraction,
  progressText,
  removeAlias,
} from "./analysisRules";

describe("dates", () => {
  it("reads YYYY-MM-DD as the day's start in UTC and refuses impossible dates", () => {
    expect(dateToUnix("2024-01-01")).toBe(1704067200);
    expect(dateToUnix("2024-02-30")).toBeUndefined();
    expect(dateToUnix("01/02/2024")).toBeUndefined();
  });
});

describe("formToParams", () => {
  it("sends only the fields a kind reads, so an unrelated field does not defeat reuse", () => {
    const form = { ...EMPTY_FORM, since: "2024-01-01", rev: "main", limit: "10", minShared: "2" };
    const authors = formToParams("authors", form, {});
    expect(authors).toEqual({
      ok: true,
      params: {
        refs: [],
        since: 1704067200,
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
      },
    });
    const techspec = formToParams("techspec", form, { "a@x": { name: "A", email: "a@y" } });
    expect(techspec.ok && techspec.params).toMatchObject({ since: null, rev: "main", limit: null, aliases: {} });
    const coupling = formToParams("coupling", form, {});
    expect(coupling.ok && coupling.params).toMatchObject({ limit: 10, min_shared: 2, rev: null });
  });

  it("covers the whole end day (until is exclusive) and rejects an end before the start", () => {
    const ok = formToParams("activity", { ...EMPTY_FORM, since: "2024-01-01", until: "2024-01-01" }, {});
    expect(ok.ok && ok.params.until).toBe(1704067200 + 86400);
    const bad = formToParams("activity", { ...EMPTY_FORM, since: "2024-02-01", until: "2024-01-01" }, {});
    expect(bad).toEqual({ ok: false, errors: { until: "The end date must not be before the start date." } });
  });

  it("names each bad field", () => {
    const result = formToParams("coupling", { ...EMPTY_FORM, since: "yesterday", limit: "-1", maxFiles: "0", minShared: "x" }, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(["limit", "maxFiles", "minShared", "since"]);
    expect(formToParams("structure", { ...EMPTY_FORM, rev: "main branch" }, {}).ok).toBe(false);
    expect(formToParams("churn", { ...EMPTY_FORM, limit: "0" }, {})).toMatchObject({ ok: true, params: { limit: 0 } });
  });

  it("splits refs on commas and spaces, once each", () => {
    expect(parseRefs(" main, v1.0  main,,dev ")).toEqual(["main", "v1.0", "dev"]);
  });

  it("round-trips a stored run's parameters through the form", () => {
    const form = { ...EMPTY_FORM, since: "2024-01-01", until: "2024-03-31", refs: "main, dev", limit: "5" };
    const result = formToParams("churn", form, {});
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(paramsToForm("churn", result.params)).toEqual(form);
      expect(paramsSummary("churn", result.params)).toBe("main, dev, since 2024-01-01, until 2024-03-31, limit 5");
    }
  });
});

describe("filters", () => {
  it("sends path and author patterns, each once, with the defaults switch, to history kinds only", () => {
    const form = { ...EMPTY_FORM, include: "src/** , lib/**", exclude: "docs/**,\nCHANGELOG.md, docs/**", excludeAuthors: "*[bot]*", defaultExcludes: false };
    expect(formChanged(form)).toBe(true);
    expect(formChanged(EMPTY_FORM)).toBe(false);
    expect(formChanged({ ...EMPTY_FORM, defaultExcludes: false })).toBe(true);
    const churn = formToParams("churn", form, {});
    expect(churn.ok && churn.params).toMatchObject({
      include: ["src/**", "lib/**"],
      exclude: ["docs/**", "CHANGELOG.md"],
      exclude_authors: ["*[bot]*"],
      default_excludes: false,
    });
    const spec = formToParams("techspec", form, {});
    expect(spec.ok && spec.params).toMatchObject({ include: [], exclude: [], exclude_authors: [], default_excludes: true });
    expect(parsePatterns(" a b.txt ,, c ")).toEqual(["a b.txt", "c"]);
  });

  it("refuses globs with empty, . or .. parts before sending", () => {
    const bad = formToParams("churn", { ...EMPTY_FORM, exclude: "a//b", include: "../x" }, {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(["exclude", "include"]);
    expect(globProblem(["docs/", "/Makefile", "**/*.rs"])).toBeUndefined();
  });

  it("shows a stored run's own patterns, the defaults written out by the backend left aside", () => {
    const stored = formToParams("churn", { ...EMPTY_FORM, exclude: "docs/**" }, {});
    if (!stored.ok) throw new Error("valid");
    const params = { ...stored.params, exclude: ["docs/**", "*.lock", "vendor/"] };
    expect(paramsToForm("churn", params).exclude).toBe("docs/**");
    expect(paramsSummary("churn", params)).toBe("1 exclusion");
    const off = { ...params, default_excludes: false };
    expect(paramsToForm("churn", off).exclude).toBe("docs/**, *.lock, vendor/");
    expect(paramsSummary("churn", { ...off, include: ["src/**"] })).toBe("in src/**, 3 exclusions, no default exclusions");
    expect(paramsSummary("activity", { ...params, exclude: [], default_excludes: false })).toBe("all history");
    expect(folderGlob("src/runtime")).toBe("src/runtime/**");
    expect(folderGlob("")).toBe("");
  });

  it("says what was left out", () => {
    const none = { authors: [], author_commits: 0, files: 0, lines: 0, commits: 0 };
    expect(leftOutText(none)).toBeNull();
    const bots = [
      { name: "dependabot[bot]", email: "d@x", commits: 400 },
      { name: "renovate[bot]", email: "r@x", commits: 10 },
      { name: "ci", email: "c@x", commits: 1 },
      { name: "more[bot]", email: "m@x", commits: 1 },
    ];
    expect(leftOutText({ ...none, authors: bots, author_commits: 412, files: 3, lines: 1200 })).toBe(
      "4 authors (dependabot[bot], renovate[bot], ci, …) with 412 commits; 3 files (1,200 lines)",
    );
    expect(leftOutText({ ...none, files: 1, commits: 1 })).toBe("1 file; 1 commit with no change kept");
  });
});

describe("aliases", () => {
  const suggestion = {
    reason: "same_name",
    identities: [
      { name: "Alice", email: "alice@example.com" },
      { name: "Alice", email: "Alice@Home.org" },
      { name: "alice", email: "ALICE@example.com" },
    ],
  };

  it("maps every other e-mail (lower-cased) to the first identity, skipping its own", () => {
    const merged = mergeAlias({}, suggestion);
    expect(merged).toEqual({ "alice@home.org": { name: "Alice", email: "alice@example.com" } });
    expect(isMerged(merged, suggestion)).toBe(true);
    expect(isMerged({}, suggestion)).toBe(false);
    expect(removeAlias(merged, "ALICE@home.org")).toEqual({});
  });

  it("re-points earlier aliases at the identity they now merge into", () => {
    const before = { "a@old.org": { name: "Alice", email: "alice@home.org" } };
    expect(mergeAlias(before, suggestion)["a@old.org"]).toEqual({ name: "Alice", email: "alice@example.com" });
  });
});

describe("progress", () => {
  it("labels phases and figures", () => {
    expect(phaseLabel("authors")).toBe("Computing authors");
    expect(phaseLabel("reading files")).toBe("Reading files");
    expect(progressFraction(null)).toBeNull();
    expect(progressFraction({ phase: "x", done: 5, total: 0, per_second: null })).toBeNull();
    expect(progressFraction({ phase: "x", done: 15, total: 10, per_second: null })).toBe(1);
    expect(progressText({ phase: "x", done: 1200, total: 5000, per_second: null })).toBe("1,200 / 5,000");
  });
});

describe("export names", () => {
  it("names the repository, kind and table", () => {
    expect(analysisExportName("my repo", "churn", "files")).toBe("my-repo-churn-files.csv");
    expect(analysisExportName("r", "hotspots", "hotspots")).toBe("r-hotspots.csv");
    expect(analysisExportName("r", "structure", "largest_functions")).toBe("r-structure-largest-functions.csv");
    expect(analysisExportName("r", "coupling", null)).toBe("r-coupling.json");
  });
});
