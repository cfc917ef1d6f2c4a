import type { MirrorStatus } from "../../bindings/MirrorStatus";
import type { TableDifference } from "../../bindings/TableDifference";

/** The header badge: its text, its tone, and the last error as a tooltip. Null: no mirror. */
export interface Badge {
  label: string;
  tone: "ok" | "pending" | "degraded";
  title: string | undefined;
}

/** HH:MM in the user's time zone. */
export function clock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function mirrorBadge(status: MirrorStatus): Badge | null {
  if (!status.enabled) return null;
  const title = status.last_error ?? undefined;
  if (status.breaker === "open") {
    const until = status.open_until === null ? "" : ` until ${clock(status.open_until)}`;
    return { label: `mirror: breaker open${until}`, tone: "degraded", title };
  }
  if (status.breaker === "half_open") return { label: "mirror: retrying", tone: "degraded", title };
  if (status.pending > 0) {
    const label = `mirror: ${status.pending} pending`;
    return { label: status.failures > 0 ? `${label}, ${status.failures} failed` : label, tone: "pending", title };
  }
  return { label: "mirror: healthy", tone: "ok", title: undefined };
}

/** One line per difference a check found. */
export function describeDifference(d: TableDifference): string {
  const where = d.repository ?? "store";
  const rows = d.primary_rows === d.mirror_rows ? `${d.primary_rows} rows, different` : `${d.primary_rows} rows here, ${d.mirror_rows} on the mirror`;
  const commits = d.commits.length === 0 ? "" : `; commits ${d.commits.map((c) => c.slice(0, 10)).join(", ")}`;
  return `${where} · ${d.table}: ${rows}${commits}`;
}
