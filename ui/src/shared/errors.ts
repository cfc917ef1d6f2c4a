import type { ErrorCode } from "../bindings/ErrorCode";
import type { ErrorPayload } from "../bindings/ErrorPayload";

export type { ErrorCode };

/** Code used when a rejection carried no code of its own (a string, a bare object, …). */
export const UNKNOWN_CODE: ErrorCode = "unknown";
/** Code used for JavaScript errors raised in the UI itself (for example no Tauri backend). */
export const INTERNAL_CODE: ErrorCode = "internal";

/**
 * Every code the backend can send, generated from Rust's `ErrorCode`: a code added there fails the
 * type check here until it is listed, so the UI never meets a code it does not know.
 */
const KNOWN_CODES: Record<ErrorCode, true> = {
  validation: true,
  not_found: true,
  ambiguous_prefix: true,
  duplicate: true,
  schema_too_new: true,
  config: true,
  storage: true,
  query: true,
  cancelled: true,
  not_a_repository: true,
  git: true,
  no_repository_path: true,
  backup_damaged: true,
  backup_refused: true,
  wrong_password: true,
  password_required: true,
  backup_failed: true,
  io: true,
  starting: true,
  unavailable: true,
  busy: true,
  timeout: true,
  remote_not_found: true,
  unreachable: true,
  auth_failed: true,
  transfer_failed: true,
  internal: true,
  unknown: true,
};

/** Whether a value is one of the backend's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(KNOWN_CODES, value);
}

const FALLBACK_MESSAGE = "Unknown error (no details were given)";

/** An error thrown by the typed command wrapper: always has a code and a readable message. */
export class CommandError extends Error {
  readonly code: ErrorCode;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "CommandError";
    this.code = payload.code;
  }

  get payload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Turns whatever a rejected promise carried into `{code, message}`:
 * - the backend's `{code, message}` payload is kept as it is;
 * - a JavaScript `Error` becomes code `internal` with its message;
 * - a string (Tauri rejects with plain strings, e.g. for a command that is not allowed) keeps the
 *   string as the message with code `unknown`;
 * - an object with only a message keeps the message; anything else gets a fallback message.
 */
export function normalizeError(value: unknown): ErrorPayload {
  if (value instanceof CommandError) return value.payload;
  if (value instanceof Error) {
    return {
      code: INTERNAL_CODE,
      message: nonEmptyString(value.message) ?? nonEmptyString(value.name) ?? FALLBACK_MESSAGE,
    };
  }
  if (typeof value === "string") {
    return { code: UNKNOWN_CODE, message: nonEmptyString(value) ?? FALLBACK_MESSAGE };
  }
  if (isRecord(value)) {
    const given = nonEmptyString(value["code"]);
    const code = isErrorCode(given) ? given : UNKNOWN_CODE;
    const message = nonEmptyString(value["message"]) ?? nonEmptyString(value["error"]);
    if (message !== undefined) return { code, message };
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    return {
      code,
      message: text !== undefined && text !== "{}" ? `Unexpected error value: ${text}` : FALLBACK_MESSAGE,
    };
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return { code: UNKNOWN_CODE, message: `Unexpected error value: ${String(value)}` };
  }
  return { code: UNKNOWN_CODE, message: FALLBACK_MESSAGE };
}

/** Several failed commands often fail for the same reason (the store could not be opened). */
export function dedupeErrors(errors: readonly ErrorPayload[]): ErrorPayload[] {
  const seen = new Set<string>();
  const out: ErrorPayload[] = [];
  for (const error of errors) {
    const key = `${error.code}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}
