import type { ErrorPayload } from "../bindings/ErrorPayload";

/** What a screen knows about one piece of data loaded from the backend. */
export type Loadable<T> =
  | { status: "loading" }
  | { status: "ok"; data: T }
  | { status: "error"; error: ErrorPayload };
