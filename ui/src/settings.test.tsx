import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke }));

import { App } from "./App";
import { THEME_KEY } from "./theme";

const INFO = { data_dir: "/home/alice/.local/share/repovault", store: { backend: "sqlite", location: "/home/alice/.local/share/repovault/repovault.db", schema_version: 1, blob_store: "blobs" } };

describe("Settings page", () => {
  beforeEach(() => {
    invoke.mockReset();
    localStorage.clear();
    invoke.mockImplementation((command: string) =>
      command === "store_info" ? Promise.resolve(INFO) : command === "list_repositories" ? Promise.resolve([]) : Promise.reject(command),
    );
  });
  afterEach(() => {
    cleanup();
    localStorage.clear();
    document.documentElement.removeAttribute("data-theme");
  });

  it("shows the data folder and database, and applies and keeps the theme", async () => {
    await act(async () => {
      render(<App />);
    });
    const nav = screen.getByTestId("nav-settings") as HTMLButtonElement;
    expect(nav.disabled).toBe(false);
    await act(async () => {
      fireEvent.click(nav);
    });
    expect(screen.getByTestId("settings-data-dir").textContent).toBe(INFO.data_dir);
    expect(screen.getByTestId("settings-database").textContent).toBe(`${INFO.store.location} (sqlite)`);
    expect((screen.getByTestId("theme-system") as HTMLInputElement).checked).toBe(true);

    await act(async () => {
      fireEvent.click(screen.getByTestId("theme-dark"));
    });
    expect(document.documentElement.getAttribute("data-theme")).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect((screen.getByTestId("theme-dark") as HTMLInputElement).checked).toBe(true);

    await act(async () => {
      fireEvent.click(screen.getByTestId("theme-system"));
    });
    expect(document.documentElement.hasAttribute("data-theme")).toBe(false);
    expect(localStorage.getItem(THEME_KEY)).toBe("system");
  });
});
