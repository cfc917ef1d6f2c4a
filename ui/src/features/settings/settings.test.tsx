import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { renderWithClient } from "../../shared/testing/render";
import { App } from "../../app/App";
import type { AppInfo } from "../../shared/api";
import { mockTauri, type Answers, type TauriMock } from "../../shared/testing/tauriMock";
import { THEME_KEY } from "../../shared/theme";

let tauri: TauriMock;
let settings: { data_dir: string; database_url: string | null; database_url_from_env: boolean };
let info: typeof INFO;

function backend(overrides: Answers = {}) {
  tauri.answer({
    store_info: () => Promise.resolve(info),
    list_repositories: () => Promise.resolve([]),
    get_settings: () => Promise.resolve(settings),
    test_connection: (args) =>
      args["url"] === "postgres://bad"
        ? Promise.reject({ code: "storage", message: "could not connect to postgres://bad: connection refused" })
        : Promise.resolve({ backend: "postgres", location: "db:5432/vault", schema_version: 0, blob_store: "blobs" }),
    save_database_url: (args) => {
      settings = { ...settings, database_url: args.url };
      info = { data_dir: INFO.data_dir, store: { backend: "postgres", location: "db:5432/vault", schema_version: 5, blob_store: "blobs" } };
      return Promise.resolve(info);
    },
    ...overrides,
  });
}

const INFO: AppInfo = { data_dir: "/home/alice/.local/share/repovault", store: { backend: "sqlite", location: "/home/alice/.local/share/repovault/repovault.db", schema_version: 1, blob_store: "blobs" } };

describe("Settings page", () => {
  beforeEach(() => {
    tauri = mockTauri();
    localStorage.clear();
    settings = { data_dir: INFO.data_dir, database_url: null, database_url_from_env: false };
    info = INFO;
    backend();
  });
  afterEach(() => {
    cleanup();
    localStorage.clear();
    document.documentElement.removeAttribute("data-theme");
  });

  it("shows the data folder and database, and applies and keeps the theme", async () => {
    await act(async () => {
      renderWithClient(<App />);
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

  async function openSettings() {
    await act(async () => {
      renderWithClient(<App />);
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("nav-settings"));
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }

  async function click(testId: string) {
    await act(async () => {
      fireEvent.click(screen.getByTestId(testId));
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }

  it("tests a database URL and shows the store or the readable error", async () => {
    await openSettings();
    expect(screen.getByTestId("settings-schema").textContent).toBe("1");
    const field = screen.getByTestId("settings-db-url") as HTMLInputElement;
    expect(field.value).toBe("");
    expect(screen.getByTestId("settings-db-save").getAttribute("aria-disabled")).toBe("true");

    fireEvent.change(field, { target: { value: " postgres://bad " } });
    await click("settings-db-test");
    expect(tauri.invoke).toHaveBeenCalledWith("test_connection", { url: "postgres://bad" });
    expect(screen.getByTestId("error-message").textContent).toBe("could not connect to postgres://bad: connection refused");

    fireEvent.change(field, { target: { value: "postgres://u:pw@db/vault" } });
    expect(screen.queryByTestId("error-banner")).toBeNull();
    await click("settings-db-test");
    expect(screen.getByTestId("settings-db-test-result").textContent).toBe(
      "Connected: PostgreSQL at db:5432/vault, an empty database: its tables are created when you switch to it.",
    );
  });

  it("saves and switches after confirming, then shows the new store", async () => {
    await openSettings();
    fireEvent.change(screen.getByTestId("settings-db-url"), { target: { value: "postgres://u:pw@db/vault" } });
    expect(screen.getByTestId("settings-db-save").getAttribute("aria-disabled")).toBe("false");
    await click("settings-db-save");
    expect(screen.getByTestId("confirm-message").textContent).toContain(
      "close /home/alice/.local/share/repovault/repovault.db and open postgres://u:***@db/vault",
    );
    await click("confirm-cancel");
    expect(tauri.invoke).not.toHaveBeenCalledWith("save_database_url", expect.anything());
    await click("settings-db-save");
    await click("confirm-ok");
    expect(tauri.invoke).toHaveBeenCalledWith("save_database_url", { url: "postgres://u:pw@db/vault" });
    expect(screen.getByTestId("settings-db-switched").textContent).toBe("Switched to PostgreSQL at db:5432/vault, schema version 5.");
    expect(screen.getByTestId("settings-database").textContent).toBe("db:5432/vault (postgres)");
    expect(screen.getByTestId("store-backend").textContent).toBe("postgres");
    expect(screen.getByTestId("settings-db-save").getAttribute("aria-disabled")).toBe("true");
  });

  it("reloads the settings after a switch without overwriting what the user is typing", async () => {
    await openSettings();
    expect(tauri.calls("get_settings")).toHaveLength(1);
    const field = screen.getByTestId("settings-db-url") as HTMLInputElement;
    fireEvent.change(field, { target: { value: "postgres://u:pw@db/vault" } });
    // The reload after the switch is held, so the user types on while it is under way.
    const reload = tauri.hold("get_settings");
    await click("settings-db-save");
    await click("confirm-ok");
    expect(tauri.calls("get_settings")).toHaveLength(2);
    fireEvent.change(field, { target: { value: "postgres://u:pw@db/other" } });
    await act(async () => {
      reload.resolve({ ...settings, database_url: "postgres://u:pw@db/vault" });
    });
    expect((screen.getByTestId("settings-db-url") as HTMLInputElement).value).toBe("postgres://u:pw@db/other");
    // The reloaded settings count: the saved URL differs from the field, so Save is offered.
    expect(screen.getByTestId("settings-db-save").getAttribute("aria-disabled")).toBe("false");
  });

  it("fills the URL field from the loaded settings", async () => {
    settings = { ...settings, database_url: "postgres://db/vault" };
    await openSettings();
    expect((screen.getByTestId("settings-db-url") as HTMLInputElement).value).toBe("postgres://db/vault");
    expect(screen.getByTestId("settings-db-save").getAttribute("aria-disabled")).toBe("true");
  });

  it("explains that DATABASE_URL in the environment decides, and does not switch", async () => {
    settings = { ...settings, database_url: "postgres://env/db", database_url_from_env: true };
    await openSettings();
    expect((screen.getByTestId("settings-db-url") as HTMLInputElement).readOnly).toBe(true);
    expect(screen.getByTestId("settings-db-env").textContent).toMatch(/^DATABASE_URL is set in the environment/);
    await click("settings-db-save");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });

  it("shows a failed switch as a readable error", async () => {
    backend({ save_database_url: () => Promise.reject({ code: "busy", message: "an import is running" }) });
    await openSettings();
    fireEvent.change(screen.getByTestId("settings-db-url"), { target: { value: "postgres://db/vault" } });
    await click("settings-db-save");
    await click("confirm-ok");
    expect(screen.getByTestId("error-message").textContent).toBe("an import is running");
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
  });
});
