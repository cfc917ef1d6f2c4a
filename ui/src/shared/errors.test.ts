import { describe, expect, it } from "vitest";

import type { ErrorPayload } from "../bindings/ErrorPayload";
import { CommandError, dedupeErrors, INTERNAL_CODE, isErrorCode, normalizeError, UNKNOWN_CODE } from "./errors";

describe("normalizeError", () => {
  it("keeps the backend's {code, message} payload", () => {
    expect(normalizeError({ code: "config", message: "bad configuration: unsupported DATABASE_URL" })).toEqual({
      code: "config",
      message: "bad configuration: unsupported DATABASE_URL",
    });
  });

  it("drops extra fields of a payload", () => {
    expect(normalizeError({ code: "not_found", message: "commit not found", extra: 1 })).toEqual({
      code: "not_found",
      message: "commit not found",
    });
  });

  it("turns a plain string rejection (as Tauri sends for IPC failures) into code unknown", () => {
    expect(normalizeError("Command list_repositories not allowed by ACL")).toEqual({
      code: UNKNOWN_CODE,
      message: "Command list_repositories not allowed by ACL",
    });
  });

  it("turns a JavaScript Error into code internal with its message", () => {
    expect(normalizeError(new TypeError("window.__TAURI_INTERNALS__ is undefined"))).toEqual({
      code: INTERNAL_CODE,
      message: "window.__TAURI_INTERNALS__ is undefined",
    });
  });

  it("uses the error name when an Error has no message", () => {
    expect(normalizeError(new RangeError())).toEqual({ code: "internal", message: "RangeError" });
  });

  it("unwraps a CommandError back into its payload", () => {
    const error = new CommandError({ code: "storage", message: "disk full" });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe("disk full");
    expect(normalizeError(error)).toEqual({ code: "storage", message: "disk full" });
  });

  it("fills in a missing or empty code", () => {
    expect(normalizeError({ message: "something broke" })).toEqual({ code: "unknown", message: "something broke" });
    expect(normalizeError({ code: "  ", message: "x" })).toEqual({ code: "unknown", message: "x" });
    expect(normalizeError({ code: 42, message: "x" })).toEqual({ code: "unknown", message: "x" });
  });

  it("accepts an `error` field as the message", () => {
    expect(normalizeError({ error: "timeout" })).toEqual({ code: "unknown", message: "timeout" });
  });

  it("describes an object without a message by its JSON", () => {
    expect(normalizeError({ code: "query", detail: 7 })).toEqual({
      code: "query",
      message: 'Unexpected error value: {"code":"query","detail":7}',
    });
  });

  it("never returns an empty message", () => {
    for (const value of [null, undefined, "", "   ", {}, new Error("")]) {
      const { code, message } = normalizeError(value);
      expect(code.length).toBeGreaterThan(0);
      expect(message.trim().length).toBeGreaterThan(0);
    }
    expect(normalizeError(null)).toEqual({ code: "unknown", message: "Unknown error (no details were given)" });
  });

  it("survives values JSON cannot encode", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(normalizeError(cyclic)).toEqual({ code: "unknown", message: "Unknown error (no details were given)" });
    expect(normalizeError(404)).toEqual({ code: "unknown", message: "Unexpected error value: 404" });
  });
});

describe("error codes", () => {
  it("knows the backend's codes and nothing else", () => {
    expect(isErrorCode("backup_failed")).toBe(true);
    expect(isErrorCode("unknown")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode("Validation")).toBe(false);
    expect(isErrorCode(7)).toBe(false);
  });

  it("turns a code the backend never sends into unknown, keeping the message", () => {
    expect(normalizeError({ code: "made_up", message: "something odd" })).toEqual({ code: UNKNOWN_CODE, message: "something odd" });
  });
});

describe("dedupeErrors", () => {
  it("keeps one of each identical {code, message} in order", () => {
    const a: ErrorPayload = { code: "config", message: "bad configuration: x" };
    const b: ErrorPayload = { code: "storage", message: "disk full" };
    expect(dedupeErrors([a, { ...a }, b, a])).toEqual([a, b]);
  });

  it("keeps errors that differ only by code", () => {
    expect(dedupeErrors([{ code: "io", message: "m" }, { code: "storage", message: "m" }])).toHaveLength(2);
  });
});
