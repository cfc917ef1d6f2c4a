/** Formatting of values the backend sends (Unix seconds, counts) for display. */

export interface FormatOptions {
  /** BCP 47 locale; the user's locale when omitted. */
  locale?: string;
  /** IANA time zone; the system's zone when omitted. */
  timeZone?: string;
}

export const NEVER = "never";

/**
 * A Unix timestamp in seconds as a readable date and time, e.g. "1 Mar 2024, 08:00".
 * `null`/`undefined` (never synced) gives "never"; a value that is not a finite number or lies
 * outside the range JavaScript dates can hold gives "unknown".
 */
export function formatUnixSeconds(seconds: number | null | undefined, options: FormatOptions = {}): string {
  if (seconds === null || seconds === undefined) return NEVER;
  const date = dateFromUnixSeconds(seconds);
  if (date === undefined) return "unknown";
  const format = new Intl.DateTimeFormat(options.locale, {
    dateStyle: "medium",
    timeStyle: "short",
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
  });
  return format.format(date);
}

/** The same instant as an ISO 8601 string in UTC (for `<time dateTime>` and tooltips). */
export function isoFromUnixSeconds(seconds: number | null | undefined): string | undefined {
  if (seconds === null || seconds === undefined) return undefined;
  return dateFromUnixSeconds(seconds)?.toISOString();
}

function dateFromUnixSeconds(seconds: number): Date | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A count with digit grouping in the given locale, e.g. 12345 → "12,345" in en-US. */
export function formatCount(count: number, options: Pick<FormatOptions, "locale"> = {}): string {
  if (!Number.isFinite(count)) return "—";
  return new Intl.NumberFormat(options.locale, { maximumFractionDigits: 0 }).format(count);
}

/** The first line of a commit message. */
export function summaryLine(message: string): string {
  const end = message.indexOf("\n");
  return (end === -1 ? message : message.slice(0, end)).trim();
}

/** "+12 −3", or a dash for unknown counts. */
export function formatChurn(additions: number | null, deletions: number | null): { added: string; removed: string } {
  return {
    added: additions === null ? "—" : `+${additions}`,
    removed: deletions === null ? "—" : `−${deletions}`,
  };
}
