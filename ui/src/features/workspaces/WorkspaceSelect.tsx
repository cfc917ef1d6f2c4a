import { useQuery } from "@tanstack/react-query";

import { workspacesQuery } from "./queries";

interface Props {
  value: string | null;
  onChange: (workspace: string | null) => void;
}

/**
 * The header's workspace choice: it scopes Repositories, History, Analyses, export and the
 * Backups page's row counts. Hidden until the list arrives (and when it cannot: the rest of the
 * window still works).
 */
export function WorkspaceSelect({ value, onChange }: Props) {
  const workspaces = useQuery(workspacesQuery);
  if (workspaces.status !== "success") return null;
  return (
    <label className="workspace-select">
      <span>Workspace</span>
      <select
        data-testid="workspace-select"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
      >
        <option value="">All workspaces</option>
        {workspaces.data.map((w) => (
          <option key={w.id} value={w.name}>
            {w.name} ({w.repository_count})
          </option>
        ))}
      </select>
    </label>
  );
}
