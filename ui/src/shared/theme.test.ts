import { afterEach, describe, expect, it } from "vitest";

import { applyTheme, loadTheme, parseTheme, saveTheme, THEME_KEY, themeAttribute } from "./theme";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const refusing = {
  getItem: () => {
    throw new Error("denied");
  },
  setItem: () => {
    throw new Error("quota");
  },
};

describe("theme", () => {
  afterEach(() => document.documentElement.removeAttribute("data-theme"));

  it("reads light and dark; anything else is the system's", () => {
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("system")).toBe("system");
    expect(parseTheme("Dark")).toBe("system");
    expect(parseTheme(null)).toBe("system");
    expect(parseTheme(undefined)).toBe("system");
  });

  it("sets data-theme for light and dark and removes it for system (the media query decides)", () => {
    expect(themeAttribute("system")).toBeNull();
    const root = document.documentElement;
    applyTheme("dark");
    expect(root.getAttribute("data-theme")).toBe("dark");
    applyTheme("light");
    expect(root.getAttribute("data-theme")).toBe("light");
    applyTheme("system");
    expect(root.hasAttribute("data-theme")).toBe(false);
  });

  it("keeps the choice in storage and survives storage that refuses", () => {
    const storage = memoryStorage();
    expect(loadTheme(storage)).toBe("system");
    saveTheme("dark", storage);
    expect(storage.data.get(THEME_KEY)).toBe("dark");
    expect(loadTheme(storage)).toBe("dark");
    expect(loadTheme(memoryStorage({ [THEME_KEY]: "purple" }))).toBe("system");
    expect(loadTheme(refusing)).toBe("system");
    expect(() => saveTheme("light", refusing)).not.toThrow();
    expect(loadTheme(null)).toBe("system");
  });
});
