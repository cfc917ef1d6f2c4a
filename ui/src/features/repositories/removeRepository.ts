/** Texts of Remove repository: what the confirmation says will go, and what went. */
import { formatCount } from "../../shared/format";

function commits(count: number): string {
  return count === 1 ? "1 commit" : `${formatCount(count)} commits`;
}

/** "demo and its 2,025 commits will be removed from RepoVault; the folder on disk is not touched." */
export function removeMessage(name: string, commitCount: number, hasFolder = true): string {
  const what = commitCount === 0 ? name : `${name} and its ${commits(commitCount)}`;
  const disk = hasFolder ? "; the folder on disk is not touched." : ".";
  return `${what} will be removed from RepoVault${disk}`;
}

/** "Removed demo (2,025 commits)." */
export function removedText(name: string, commitCount: number): string {
  return `Removed ${name} (${commits(commitCount)}).`;
}
