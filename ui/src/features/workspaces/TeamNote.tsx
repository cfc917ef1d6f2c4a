import { useQuery } from "@tanstack/react-query";

import { teamStatusQuery } from "./queries";
import { teamNote } from "./workspaceRules";

/** Settings › Database: who sees what on this database (SQLite has no roles; a member sees its workspaces). */
export function TeamNote() {
  const status = useQuery(teamStatusQuery);
  if (status.status !== "success") return null;
  return (
    <p className="muted settings__hint" data-testid="team-note">
      {teamNote(status.data)}
    </p>
  );
}
