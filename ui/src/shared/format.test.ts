import { describe, expect, it } from "vitest";

import { formatChurn, formatCount, formatUnixSeconds, isoFromUnixSeconds, NEVER, summaryLine } from "./format";

const UTC_GB = { locale: "en-GB", timeZone: "UTC" };

describe("formatUnixSeconds", () => {
  it("formats Unix seconds (not milliseconds) as a readable date and time", () => {
    // 2024-03-01T08:00:00Z
    expect(formatUnixSeconds(1709280000, UTC_GB)).toBe("1 Mar 2024, 08:00");
  });

  it("honours the time zone", () => {
    expect(formatUnixSeconds(1709280000, { locale: "en-GB", timeZone: "Asia/Tokyo" })).toBe("1 Mar 2024, 17:00");
  });

  it("honours the locale", () => {
    expect(formatUnixSeconds(1709280000, { locale: "en-US", timeZone: "UTC" })).toMatch(/^Mar 1, 2024, 8:00\sAM$/);
  });

  it("formats the epoch itself rather than treating 0 as missing", () => {
    expect(formatUnixSeconds(0, UTC_GB)).toBe("1 Jan 1970, 00:00");
  });

  it('says "never" for null and undefined', () => {
    expect(formatUnixSeconds(null, UTC_GB)).toBe(NEVER);
    expect(formatUnixSeconds(undefined, UTC_GB)).toBe("never");
  });

  it('says "unknown" for values that are not a usable time', () => {
    expect(formatUnixSeconds(Number.NaN, UTC_GB)).toBe("unknown");
    expect(formatUnixSeconds(Number.POSITIVE_INFINITY, UTC_GB)).toBe("unknown");
    expect(formatUnixSeconds(1e16, UTC_GB)).toBe("unknown"); // beyond the range of Date
  });
});

describe("isoFromUnixSeconds", () => {
  it("gives the UTC ISO string of the instant", () => {
    expect(isoFromUnixSeconds(1709280000)).toBe("2024-03-01T08:00:00.000Z");
  });

  it("gives undefined for null or unusable values", () => {
    expect(isoFromUnixSeconds(null)).toBeUndefined();
    expect(isoFromUnixSeconds(Number.NaN)).toBeUndefined();
  });
});

describe("formatCount", () => {
  it("groups digits by locale", () => {
    expect(formatCount(2, { locale: "en-US" })).toBe("2");
    expect(formatCount(1234567, { locale: "en-US" })).toBe("1,234,567");
    expect(formatCount(1234567, { locale: "de-DE" })).toBe("1.234.567");
  });

  it("shows a dash for a non-finite count", () => {
    expect(formatCount(Number.NaN)).toBe("—");
  });
});

describe("summaryLine and formatChurn", () => {
  it("takes the first line of a message", () => {
    expect(summaryLine("Fix import in web\n\nLonger body")).toBe("Fix import in web");
    expect(summaryLine("  one line  ")).toBe("one line");
    expect(summaryLine("")).toBe("");
  });

  it("formats known and unknown line counts", () => {
    expect(formatChurn(12, 3)).toEqual({ added: "+12", removed: "−3" });
    expect(formatChurn(0, 0)).toEqual({ added: "+0", removed: "−0" });
    expect(formatChurn(null, null)).toEqual({ added: "—", removed: "—" });
  });
});
