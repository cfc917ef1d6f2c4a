import { useId, type FormEvent, type RefObject } from "react";

interface Props {
  text: string;
  /** The backend's reading of the text as typed, when it cannot parse it. */
  syntaxError: string | null;
  inputRef: RefObject<HTMLInputElement | null>;
  onType: (text: string) => void;
  onSubmit: () => void;
  /** ↓ or Esc: back to the list (↓ also selects its first row). */
  onLeave: (key: "ArrowDown" | "Escape") => void;
}

/** The search box with the search syntax; Enter runs it. */
export function SearchBox({ text, syntaxError, inputRef, onType, onSubmit, onLeave }: Props) {
  const id = useId();
  return (
    <form
      className="search"
      role="search"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <label className="visually-hidden" htmlFor={id}>
        Search commits
      </label>
      <input
        id={id}
        ref={inputRef}
        className="input input--mono search__input"
        data-testid="history-search"
        type="search"
        value={text}
        onChange={(e) => onType(e.target.value)}
        aria-invalid={syntaxError !== null}
        title={syntaxError ?? SEARCH_HELP}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "Escape") {
            e.preventDefault();
            onLeave(e.key);
          }
        }}
        placeholder='author:alice path:src/ after:2024-01-01 crash change:unwrap()   ( / )'
        spellCheck={false}
        autoComplete="off"
      />
      <button type="submit" className="button" data-testid="history-search-run">
        Search
      </button>
    </form>
  );
}

/** The search keys, as the box's tooltip lists them (the syntax is the backend's, syntax.rs). */
export const SEARCH_HELP = [
  "word: the word in any form (crash finds crashes, crashed)   word*: words starting with it   \"a phrase\": exactly",
  "author: committer: message: path: repo: hash: branch: after: before: merge:yes|no",
  "change:TEXT a line added or removed contains TEXT (like git log -G; any case unless TEXT has capitals)",
  "added:TEXT removed:TEXT only that side   -key:value or -word excludes",
].join("\n");
