import { useCallback, useEffect, useRef, useState } from "react";

import { api } from "../../shared/api";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { Filter } from "../../bindings/Filter";
import { normalizeError } from "../../shared/errors";
import {
  builderToFilter,
  EMPTY_BUILDER,
  filterToBuilder,
  withoutBlankRows,
  type Builder,
} from "./filterBuilder";
import { filterToSearchText } from "./searchText";

/** The question the list answers: a filter (null: every commit), or why the search was not understood. */
export type Applied = { filter: Filter | null } | { error: ErrorPayload };

/** Typing pauses this long (ms) before the search box's text is parsed for the builder. */
export const PARSE_DELAY_MS = 300;

export interface FilterEditing {
  /** The search box's text. */
  text: string;
  /** The builder's rows; null when the applied filter is nested deeper than rows can show. */
  builder: Builder | null;
  /** Problems of builder rows, by row id (rows still blank are left out until they get a value). */
  rowErrors: Map<number, string>;
  /** Why the search box cannot show the builder's filter, when it cannot (the box is then empty). */
  textNote: string | null;
  /** The backend's reading of the text as typed, when it cannot parse it (before Enter). */
  syntaxError: string | null;
  applied: Applied;
  /** The text was typed: the builder follows once the backend has parsed it. */
  typeText: (text: string) => void;
  /** Runs the search box's text. */
  submitText: () => Promise<void>;
  /** The builder was edited: the search box follows when the filter has a text form. */
  editBuilder: (builder: Builder) => void;
  /** Runs the builder's filter; false when a row is invalid. */
  applyBuilder: () => boolean;
  /** Runs a filter from elsewhere (a saved query), shown in both the builder and the search box. */
  applyFilter: (filter: Filter | null) => void;
  clear: () => void;
}

/**
 * The search box and the filter builder as two views of one filter. Typing in the box updates the
 * builder through the backend's parser (`parse_search`, the only parser of the syntax); editing the
 * builder rewrites the box (`filterToSearchText`) or says why it cannot. Enter or Apply runs it.
 */
export function useFilterEditing(initial: Filter | null = null): FilterEditing {
  // A page opened with a filter (e.g. from a hotspot: that file's commits) starts with it applied.
  const [start] = useState(() => (initial === null ? null : { filter: initial, written: filterToSearchText(initial) }));
  const [text, setText] = useState(start !== null && start.written.ok ? start.written.text : "");
  const [builder, setBuilder] = useState<Builder | null>(start === null ? EMPTY_BUILDER : filterToBuilder(start.filter));
  const [textNote, setTextNote] = useState<string | null>(start !== null && !start.written.ok ? start.written.reason : null);
  const [syntaxError, setSyntaxError] = useState<string | null>(null);
  const [applied, setApplied] = useState<Applied>({ filter: start?.filter ?? null });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Only the newest parse may write its answer.
  const parseSeq = useRef(0);

  const cancelParse = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    parseSeq.current += 1;
  }, []);

  useEffect(() => cancelParse, [cancelParse]);

  const showFilter = useCallback((filter: Filter | null) => {
    setBuilder(filterToBuilder(filter));
    const written = filterToSearchText(filter);
    setText(written.ok ? written.text : "");
    setTextNote(written.ok ? null : written.reason);
    setSyntaxError(null);
  }, []);

  const typeText = useCallback(
    (next: string) => {
      setText(next);
      setTextNote(null);
      cancelParse();
      if (next.trim() === "") {
        setBuilder(EMPTY_BUILDER);
        setSyntaxError(null);
        return;
      }
      const mine = parseSeq.current;
      timer.current = setTimeout(() => {
        timer.current = null;
        api.parseSearch(next).then(
          (filter) => {
            if (mine !== parseSeq.current) return;
            setBuilder(filterToBuilder(filter));
                    setSyntaxError(null);
          },
          (error: unknown) => {
            if (mine === parseSeq.current) setSyntaxError(normalizeError(error).message);
          },
        );
      }, PARSE_DELAY_MS);
    },
    [cancelParse],
  );

  const submitText = useCallback(async () => {
    cancelParse();
    const mine = parseSeq.current;
    const typed = text;
    if (typed.trim() === "") {
      setBuilder(EMPTY_BUILDER);
      setSyntaxError(null);
      setApplied({ filter: null });
      return;
    }
    try {
      const filter = await api.parseSearch(typed);
      if (mine !== parseSeq.current) return;
      setBuilder(filterToBuilder(filter));
        setSyntaxError(null);
      setTextNote(null);
      setApplied({ filter });
    } catch (error) {
      if (mine !== parseSeq.current) return;
      setApplied({ error: normalizeError(error) });
    }
  }, [cancelParse, text]);

  const editBuilder = useCallback(
    (next: Builder) => {
      cancelParse();
      setBuilder(next);
      setSyntaxError(null);
      const { filter, errors } = builderToFilter(withoutBlankRows(next));
      if (errors.size > 0) return;
      // The box always shows the builder's filter, or nothing and a note saying why.
      const written = filterToSearchText(filter);
      setText(written.ok ? written.text : "");
      setTextNote(written.ok ? null : written.reason);
    },
    [cancelParse],
  );

  const applyBuilder = useCallback(() => {
    if (builder === null) return false;
    const { filter, errors } = builderToFilter(withoutBlankRows(builder));
    if (errors.size > 0) return false;
    cancelParse();
    setApplied({ filter });
    return true;
  }, [builder, cancelParse]);

  const applyFilter = useCallback(
    (filter: Filter | null) => {
      cancelParse();
      showFilter(filter);
      setApplied({ filter });
    },
    [cancelParse, showFilter],
  );

  const clear = useCallback(() => applyFilter(null), [applyFilter]);

  return {
    text,
    builder,
    rowErrors: builder === null ? new Map() : builderToFilter(withoutBlankRows(builder)).errors,
    textNote,
    syntaxError,
    applied,
    typeText,
    submitText,
    editBuilder,
    applyBuilder,
    applyFilter,
    clear,
  };
}
