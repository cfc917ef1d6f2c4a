/**
 * Keyboard navigation of the History page: a selected row, and whether its commit is open.
 * Up/Down or k/j move the selection (Home/End, PageUp/PageDown too), Enter opens the selected
 * commit, Escape closes it. While a commit is open it follows the selection. A commit opened by
 * hash (a parent link) is "pinned" until the selection moves.
 */
import type { CommitRef } from "../commit/commitRef";
import { nextFocusIndex } from "../../shared/focus";

export interface NavState {
  selected: number | null;
  open: boolean;
  /** A commit opened by hash rather than by row (for example a parent outside the list). */
  pinned: CommitRef | null;
}

export const NAV_START: NavState = { selected: null, open: false, pinned: null };

const MOVES: Record<string, string> = {
  ArrowDown: "ArrowDown",
  j: "ArrowDown",
  ArrowUp: "ArrowUp",
  k: "ArrowUp",
  Home: "Home",
  End: "End",
  PageDown: "PageDown",
  PageUp: "PageUp",
};

/** Whether `navKey` acts on this key (so the page can leave other keys alone). */
export function isNavKey(key: string): boolean {
  return key in MOVES || key === "Enter" || key === "Escape";
}

/**
 * The state after `key` in a list of `count` rows, or null when the key does nothing here (so the
 * event keeps its default action).
 */
export function navKey(state: NavState, key: string, count: number, pageSize = 10): NavState | null {
  const move = MOVES[key];
  if (move !== undefined) {
    const next = nextFocusIndex(state.selected, move, count, pageSize);
    if (next === null) return null;
    return { selected: next, open: state.open, pinned: null };
  }
  if (key === "Enter") {
    if (state.selected === null || count === 0) return null;
    return { selected: Math.min(state.selected, count - 1), open: true, pinned: null };
  }
  if (key === "Escape") {
    if (!state.open) return null;
    return { ...state, open: false, pinned: null };
  }
  return null;
}

/** A click on a row selects it and opens its commit. */
export function navClick(_state: NavState, index: number): NavState {
  return { selected: index, open: true, pinned: null };
}

/** Opens a commit by hash; `index` is its row when the list holds it (then it is selected). */
export function navOpenCommit(state: NavState, commit: CommitRef, index: number | null): NavState {
  if (index !== null) return { selected: index, open: true, pinned: null };
  return { selected: state.selected, open: true, pinned: commit };
}

/** The commit to show, or null when none is open. */
export function openCommit(state: NavState, commitAt: (index: number) => CommitRef | undefined): CommitRef | null {
  if (!state.open) return null;
  if (state.pinned !== null) return state.pinned;
  return state.selected === null ? null : (commitAt(state.selected) ?? null);
}
