/**
 * Keyboard movement through a list of focusable rows (a roving focus): given the index that has
 * focus now (or null for none), the key pressed and the number of rows, the index that should get
 * focus next, or null when the key is not a movement key or there are no rows.
 * Up/Down move by one and stop at the ends (no wrap-around); Home/End jump to the ends;
 * PageUp/PageDown move by `pageSize`.
 */
export function nextFocusIndex(
  current: number | null,
  key: string,
  count: number,
  pageSize = 10,
): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const clamp = (i: number) => Math.min(Math.max(i, 0), last);
  // A stale index (the list shrank) is treated as the nearest row.
  const from = current === null ? null : clamp(current);
  switch (key) {
    case "ArrowDown":
      return from === null ? 0 : clamp(from + 1);
    case "ArrowUp":
      return from === null ? last : clamp(from - 1);
    case "Home":
      return 0;
    case "End":
      return last;
    case "PageDown":
      return from === null ? clamp(pageSize - 1) : clamp(from + Math.max(1, pageSize));
    case "PageUp":
      return from === null ? 0 : clamp(from - Math.max(1, pageSize));
    default:
      return null;
  }
}
