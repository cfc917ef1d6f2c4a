import { describe, expect, it } from "vitest";

import { DIFF_MODE_KEY, loadDiffMode, parseDiffMode, saveDiffMode } from "./diffMode";

describe("diff mode", () => {
  it("is unified unless side by side was chosen", () => {
    expect(parseDiffMode("split")).toBe("split");
    expect(parseDiffMode("unified")).toBe("unified");
    expect(parseDiffMode("sideways")).toBe("unified");
    expect(parseDiffMode(null)).toBe("unified");
  });

  it("is remembered, and survives a storage that throws", () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    saveDiffMode("split", storage);
    expect(map.get(DIFF_MODE_KEY)).toBe("split");
    expect(loadDiffMode(storage)).toBe("split");
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    };
    expect(loadDiffMode(broken)).toBe("unified");
    expect(() => saveDiffMode("split", broken)).not.toThrow();
  });
});
