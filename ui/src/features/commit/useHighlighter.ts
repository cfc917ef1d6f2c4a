import { useEffect, useState } from "react";

import type { Language } from "./languages";

type HighlightFn = (code: string, language: Language) => string;

let loading: Promise<HighlightFn | null> | null = null;

/** Loads the highlighter once for the whole app; null if its chunk cannot be loaded. */
function loadHighlighter(): Promise<HighlightFn | null> {
  loading ??= import("./highlight").then(
    (module) => module.highlightLine,
    () => null,
  );
  return loading;
}

/** The highlighter once its chunk has loaded (null until then, and when not wanted). */
export function useHighlighter(wanted: boolean): HighlightFn | null {
  const [highlight, setHighlight] = useState<HighlightFn | null>(null);
  useEffect(() => {
    if (!wanted || highlight !== null) return;
    let live = true;
    void loadHighlighter().then((fn) => {
      if (live && fn !== null) setHighlight(() => fn);
    });
    return () => {
      live = false;
    };
  }, [wanted, highlight]);
  return wanted ? highlight : null;
}
