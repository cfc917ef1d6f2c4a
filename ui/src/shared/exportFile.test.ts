import { describe, expect, it } from "vitest";

import { exportTarget } from "./exportFile";

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
