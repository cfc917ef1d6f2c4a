import { describe, expect, it } from "vitest";

import {
  analysisExportName,
  dateToUnix,
  EMPTY_FORM,
  formToParams,
  isMerged,
  mergeAlias,
  paramsSummary,
  paramsToForm,
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
      params: { refs: [], since: 1704067200, until: null, aliases: {}, limit: null, max_files_per_commit: null, min_shared: null, rev: null },
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
      expect(paramsToForm(result.params)).toEqual(form);
      expect(paramsSummary(result.params)).toBe("main, dev, since 2024-01-01, until 2024-03-31, limit 5");
    }
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
