import { queryOptions } from "@tanstack/react-query";

import { api } from "../../shared/api";

/** Settings' query keys. */
export const settingsKeys = {
  settings: ["settings", "get_settings"] as const,
};

/** The app's settings (`get_settings`): the database URL and whether the environment sets it. */
export const settingsQuery = () => queryOptions({ queryKey: settingsKeys.settings, queryFn: api.getSettings });
