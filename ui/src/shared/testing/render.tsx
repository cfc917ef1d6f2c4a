import { notifyManager, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";

import { createQueryClient } from "../query/queryClient";

// Query results reach React in a microtask rather than the default next macrotask, so a test's
// `await act(...)` sees a settled command's data (and fake timers do not hold it back).
notifyManager.setScheduler(queueMicrotask);

/** Renders `ui` with a fresh query client (the app's settings), so no test sees another's data. */
export function renderWithClient(ui: ReactElement): RenderResult {
  return render(<QueryClientProvider client={createQueryClient()}>{ui}</QueryClientProvider>);
}
