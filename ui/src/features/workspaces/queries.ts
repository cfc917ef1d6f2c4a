import { queryOptions } from "@tanstack/react-query";

import { api } from "../../shared/api";

/** Workspaces' query keys: the list (with counts) and who the connection is (team mode). */
export const workspaceKeys = {
  list: ["list_workspaces"] as const,
  team: ["team_status"] as const,
};

export const workspacesQuery = queryOptions({ queryKey: workspaceKeys.list, queryFn: api.listWorkspaces });
export const teamStatusQuery = queryOptions({ queryKey: workspaceKeys.team, queryFn: api.teamStatus });
