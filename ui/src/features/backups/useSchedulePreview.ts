import { useEffect, useState } from "react";

import { api } from "../../shared/api";
import type { ErrorPayload } from "../../bindings/ErrorPayload";
import type { ScheduleSpec } from "../../bindings/ScheduleSpec";
import { normalizeError } from "../../shared/errors";

/** How long typing pauses before the next runs are asked for. */
export const PREVIEW_DELAY_MS = 300;

export type SchedulePreview =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "ok"; runs: string[] }
  | { status: "error"; error: ErrorPayload };

/** The next five runs of `spec` (null: nothing to preview), asked for once typing pauses. */
export function useSchedulePreview(spec: ScheduleSpec | null): SchedulePreview {
  const [preview, setPreview] = useState<SchedulePreview>({ status: "idle" });
  const key = spec === null ? "" : JSON.stringify(spec);

  useEffect(() => {
    if (key === "") {
      setPreview({ status: "idle" });
      return;
    }
    let live = true;
    setPreview({ status: "loading" });
    const timer = setTimeout(() => {
      api.previewSchedule(JSON.parse(key) as ScheduleSpec, 5).then(
        (runs) => live && setPreview({ status: "ok", runs }),
        (error: unknown) => live && setPreview({ status: "error", error: normalizeError(error) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);

  return preview;
}
