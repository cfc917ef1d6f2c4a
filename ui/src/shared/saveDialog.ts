/**
 * The native save dialog, behind one function so the end-to-end tests (which cannot drive a native
 * dialog through WebDriver) can name the file instead: when the page defines
 * `window.__REPOVAULT_E2E_SAVE_PATH__` as a string, that path is the answer. Everything after the
 * choice — the command, the file written — is the real feature.
 */
import { save } from "@tauri-apps/plugin-dialog";

declare global {
  interface Window {
    __REPOVAULT_E2E_SAVE_PATH__?: string;
  }
}

/** The path the user chose, or null when the dialog was cancelled. */
export async function chooseSavePath(options: {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
}): Promise<string | null> {
  const preset = typeof window === "undefined" ? undefined : window.__REPOVAULT_E2E_SAVE_PATH__;
  if (typeof preset === "string") return preset;
  return save(options);
}
