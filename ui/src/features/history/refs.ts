/** Branches and tags for the branch selector: short names, grouped, sorted. */
import type { GitRef } from "../../bindings/GitRef";

/** "refs/heads/main" → "main", "refs/tags/v1.0" → "v1.0" (what the `branch` field takes). */
export function shortRefName(name: string): string {
  for (const prefix of ["refs/heads/", "refs/tags/", "refs/remotes/", "refs/"]) {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
  }
  return name;
}

/** Branch and tag short names, each sorted by name (numbers in numeric order); other refs are left out. */
export function groupRefs(refs: readonly GitRef[]): { branches: string[]; tags: string[] } {
  const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
  const branches = refs.filter((r) => r.kind === "branch").map((r) => shortRefName(r.name));
  const tags = refs.filter((r) => r.kind === "tag").map((r) => shortRefName(r.name));
  return { branches: [...new Set(branches)].sort(byName), tags: [...new Set(tags)].sort(byName) };
}
