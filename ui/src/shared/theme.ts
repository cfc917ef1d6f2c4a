/**
 * The colour theme: light, dark, or the system's (the CSS follows prefers-color-scheme unless the
 * root element carries `data-theme="light"` or `"dark"`). The choice is kept in localStorage.
 */

export type Theme = "light" | "dark" | "system";

export const THEMES: readonly { id: Theme; label: string }[] = [
  { id: "system", label: "System" },
  { id: "light", label: "Light" },
  { id: "dark", label: "Dark" },
];

export const THEME_KEY = "repovault.theme";

/** A stored value as a theme; anything unknown (or nothing) is "system". */
export function parseTheme(value: string | null | undefined): Theme {
  return value === "light" || value === "dark" ? value : "system";
}

/** The `data-theme` value for a theme: none for "system", so the media query decides. */
export function themeAttribute(theme: Theme): "light" | "dark" | null {
  return theme === "system" ? null : theme;
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  const attribute = themeAttribute(theme);
  if (attribute === null) root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", attribute);
}

/** Storage can be missing or refuse (private modes, quotas): then the theme is just not kept. */
type ThemeStorage = Pick<Storage, "getItem" | "setItem">;

function defaultStorage(): ThemeStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadTheme(storage: ThemeStorage | null = defaultStorage()): Theme {
  try {
    return parseTheme(storage?.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}

export function saveTheme(theme: Theme, storage: ThemeStorage | null = defaultStorage()): void {
  try {
    storage?.setItem(THEME_KEY, theme);
  } catch {
    // not kept; it still applies to this window
  }
}
