import { describe, expect, it } from "vitest";

import { isNavKey, NAV_START, navClick, navKey, navOpenCommit, openCommit, type NavState } from "./historyNav";

const hashes = ["aaa", "bbb", "ccc", "ddd"];
const at = (index: number) => (hashes[index] === undefined ? undefined : { repositoryId: 7, hash: hashes[index] });

function press(state: NavState, keys: string[], count = hashes.length): NavState {
  return keys.reduce((s, key) => navKey(s, key, count) ?? s, state);
}

describe("navKey", () => {
  it("j and ArrowDown select the first row, then move down and stop at the end", () => {
    expect(navKey(NAV_START, "j", 4)).toEqual({ selected: 0, open: false, pinned: null });
    expect(press(NAV_START, ["j", "j"]).selected).toBe(1);
    expect(press(NAV_START, ["ArrowDown", "ArrowDown", "ArrowDown"]).selected).toBe(2);
    expect(press(NAV_START, ["j", "j", "j", "j", "j", "j"]).selected).toBe(3);
  });

  it("k and ArrowUp move up and stop at the top", () => {
    const third = { selected: 2, open: false, pinned: null };
    expect(navKey(third, "k", 4)?.selected).toBe(1);
    expect(press(third, ["ArrowUp", "ArrowUp", "k"]).selected).toBe(0);
  });

  it("Home, End, PageDown and PageUp jump", () => {
    expect(navKey({ selected: 1, open: false, pinned: null }, "End", 50)?.selected).toBe(49);
    expect(navKey({ selected: 30, open: false, pinned: null }, "Home", 50)?.selected).toBe(0);
    expect(navKey({ selected: 5, open: false, pinned: null }, "PageDown", 50, 20)?.selected).toBe(25);
    expect(navKey({ selected: 5, open: false, pinned: null }, "PageUp", 50, 20)?.selected).toBe(0);
  });

  it("Enter opens the selected commit and Escape closes it", () => {
    const opened = press(NAV_START, ["j", "j", "Enter"]);
    expect(opened).toEqual({ selected: 1, open: true, pinned: null });
    expect(openCommit(opened, at)).toEqual({ repositoryId: 7, hash: "bbb" });
    const closed = navKey(opened, "Escape", 4);
    expect(closed).toEqual({ selected: 1, open: false, pinned: null });
    expect(openCommit(closed!, at)).toBeNull();
  });

  it("an open commit follows the selection", () => {
    const opened = press(NAV_START, ["j", "Enter", "j", "j"]);
    expect(opened).toEqual({ selected: 2, open: true, pinned: null });
    expect(openCommit(opened, at)?.hash).toBe("ccc");
  });

  it("leaves keys it does not handle to the page", () => {
    expect(navKey(NAV_START, "Enter", 4)).toBeNull(); // nothing selected
    expect(navKey(NAV_START, "Escape", 4)).toBeNull(); // nothing open
    expect(navKey(NAV_START, "x", 4)).toBeNull();
    expect(navKey(NAV_START, "j", 0)).toBeNull(); // empty list
    expect(isNavKey("j")).toBe(true);
    expect(isNavKey("Enter")).toBe(true);
    expect(isNavKey("/")).toBe(false);
  });

  it("clamps a stale selection after the list shrank", () => {
    expect(navKey({ selected: 9, open: false, pinned: null }, "Enter", 4)).toEqual({ selected: 3, open: true, pinned: null });
  });
});

describe("opening by click and by hash", () => {
  it("a click selects and opens", () => {
    expect(navClick(NAV_START, 3)).toEqual({ selected: 3, open: true, pinned: null });
  });

  it("a parent in the list is selected; one outside it is pinned until the selection moves", () => {
    const state = navClick(NAV_START, 0);
    expect(navOpenCommit(state, { repositoryId: 7, hash: "ccc" }, 2)).toEqual({ selected: 2, open: true, pinned: null });

    const pinned = navOpenCommit(state, { repositoryId: 7, hash: "fff" }, null);
    expect(pinned).toEqual({ selected: 0, open: true, pinned: { repositoryId: 7, hash: "fff" } });
    expect(openCommit(pinned, at)).toEqual({ repositoryId: 7, hash: "fff" });
    const moved = navKey(pinned, "j", 4)!;
    expect(openCommit(moved, at)).toEqual({ repositoryId: 7, hash: "bbb" });
    expect(navKey(pinned, "Escape", 4)).toEqual({ selected: 0, open: false, pinned: null });
  });
});
