import type { Repository } from "../../bindings/Repository";
import type { WorkspaceDeletion } from "../../bindings/WorkspaceDeletion";
import type { TeamStatus } from "../../bindings/TeamStatus";
import type { Loadable } from "../../shared/loadable";

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** What the delete confirmation says goes, before anything is removed. */
export function deletionMessage(d: WorkspaceDeletion): string {
  const repos =
    d.repositories.length === 0
      ? "no repositories"
      : `${count(d.repositories.length, "repository", "repositories")} (${d.repositories.join(", ")}) with ${count(d.commits, "commit", "commits")}`;
  const saved = d.saved_queries === 0 ? "" : ` and ${count(d.saved_queries, "saved query", "saved queries")}`;
  return `Workspace ${d.workspace} goes with ${repos}${saved}. Repository folders on disk are not touched.`;
}

/** The repositories of one workspace (null: all of them), as the pages below the header see them. */
export function scopeRepositories(repos: Loadable<Repository[]>, workspace: string | null): Loadable<Repository[]> {
  if (workspace === null || repos.status !== "ok") return repos;
  return { status: "ok", data: repos.data.filter((r) => r.workspace === workspace) };
}

/** One line on who sees what, for Settings › Database. */
export function teamNote(status: TeamStatus): string {
  if (!status.supported) {
    return "SQLite has no roles: whoever opens this file sees every workspace. Team mode (members who see only their workspaces) needs PostgreSQL.";
  }
  if (status.member) return `Connected as ${status.role}, a team member: only the workspaces granted to ${status.role} are visible.`;
  if (status.initialised) return `Connected as ${status.role}, the owner: every workspace is visible. Members are managed with repovault-cli team grant.`;
  return `Connected as ${status.role}. Team mode is not set up: run repovault-cli team init to give members their own workspaces.`;
}
