/** The diff layout, unified or side by side, remembered in localStorage like the theme. */

export type DiffMode = "unified" | "split";

export const DIFF_MODE_KEY = "repovault.diffMode";

export function parseDiffMode(value: string | null | undefined): DiffMode {
  return value === "split" ? "split" : "unified";
}

export function loadDiffMode(storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage): DiffMode {
  try {
    return parseDiffMode(storage?.getItem(DIFF_MODE_KEY));
  } catch {
    return "unified";
  }
}

export function saveDiffMode(mode: DiffMode, storage: Pick<Storage, "setItem"> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(DIFF_MODE_KEY, mode);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this window only.
  }
}
