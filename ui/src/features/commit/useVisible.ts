import { useEffect, useState, type RefObject } from "react";

/**
 * Whether the element has come near the visible part of its scroll container (`rootSelector`,
 * or the window) at least once; it stays true. `eager` is true from the start. Without
 * IntersectionObserver (tests in jsdom), everything counts as visible.
 */
export function useSeenOnce(ref: RefObject<Element | null>, eager: boolean, rootSelector?: string): boolean {
  const [seen, setSeen] = useState(eager || typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (seen || element === null) return;
    const root = rootSelector === undefined ? null : element.closest(rootSelector);
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
      },
      { root, rootMargin: "600px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, seen, rootSelector]);
  return seen;
}
