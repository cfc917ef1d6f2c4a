import { describe, expect, it } from "vitest";

import { nextFocusIndex } from "./focus";

describe("nextFocusIndex", () => {
  it("moves down and up by one", () => {
    expect(nextFocusIndex(0, "ArrowDown", 3)).toBe(1);
    expect(nextFocusIndex(1, "ArrowDown", 3)).toBe(2);
    expect(nextFocusIndex(2, "ArrowUp", 3)).toBe(1);
  });

  it("stops at both ends instead of wrapping", () => {
    expect(nextFocusIndex(2, "ArrowDown", 3)).toBe(2);
    expect(nextFocusIndex(0, "ArrowUp", 3)).toBe(0);
  });

  it("enters the list from nothing focused", () => {
    expect(nextFocusIndex(null, "ArrowDown", 3)).toBe(0);
    expect(nextFocusIndex(null, "ArrowUp", 3)).toBe(2);
  });

  it("jumps to the ends with Home and End", () => {
    expect(nextFocusIndex(1, "Home", 5)).toBe(0);
    expect(nextFocusIndex(1, "End", 5)).toBe(4);
  });

  it("pages by pageSize and clamps", () => {
    expect(nextFocusIndex(0, "PageDown", 25, 10)).toBe(10);
    expect(nextFocusIndex(20, "PageDown", 25, 10)).toBe(24);
    expect(nextFocusIndex(15, "PageUp", 25, 10)).toBe(5);
    expect(nextFocusIndex(3, "PageUp", 25, 10)).toBe(0);
  });

  it("treats a stale index past the end as the last row", () => {
    expect(nextFocusIndex(9, "ArrowUp", 3)).toBe(1);
    expect(nextFocusIndex(9, "ArrowDown", 3)).toBe(2);
  });

  it("ignores other keys and empty lists", () => {
    expect(nextFocusIndex(0, "Enter", 3)).toBeNull();
    expect(nextFocusIndex(0, "a", 3)).toBeNull();
    expect(nextFocusIndex(null, "ArrowDown", 0)).toBeNull();
  });

  it("keeps a single row focused", () => {
    expect(nextFocusIndex(0, "ArrowDown", 1)).toBe(0);
    expect(nextFocusIndex(0, "ArrowUp", 1)).toBe(0);
  });
});
