import { useQuery } from "@tanstack/react-query";
import { useId } from "react";

import type { Loadable } from "../../shared/loadable";
import type { GitRef } from "../../bindings/GitRef";
import { toLoadable } from "../../shared/query/queryClient";
import { refsQuery } from "./queries";
import { groupRefs } from "./refs";

interface Props {
  /** The repository whose branches and tags are offered; null (all repositories) offers none. */
  repositoryId: number | null;
  /** The chosen branch or tag (short name), or null for all. */
  value: string | null;
  onChange: (branch: string | null) => void;
}

/** Lists a repository's branches and tags (`list_refs`); choosing one limits the list to what it reaches. */
export function BranchSelect({ repositoryId, value, onChange }: Props) {
  const id = useId();
  // No repository (all of them): nothing to offer, nothing loaded.
  const refsResult = useQuery({ ...refsQuery(repositoryId ?? -1), enabled: repositoryId !== null });
  const refs: Loadable<GitRef[]> | null = repositoryId === null ? null : toLoadable(refsResult);

  const groups = refs?.status === "ok" ? groupRefs(refs.data) : { branches: [], tags: [] };
  const known = value === null || groups.branches.includes(value) || groups.tags.includes(value);
  const title =
    repositoryId === null
      ? "Choose a repository to pick one of its branches or tags"
      : refs?.status === "error"
        ? `Could not load the branches: ${refs.error.message}`
        : "Only commits reachable from this branch or tag";

  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        Branch or tag
      </label>
      <select
        id={id}
        className="input select"
        data-testid="history-branch"
        data-state={refs?.status ?? "none"}
        value={value ?? ""}
        disabled={repositoryId === null}
        title={title}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
      >
        <option value="">
          {refs?.status === "loading" ? "Loading branches…" : refs?.status === "error" ? "Branches unavailable" : "All branches"}
        </option>
        {!known && value !== null && <option value={value}>{value}</option>}
        {groups.branches.length > 0 && (
          <optgroup label="Branches">
            {groups.branches.map((name) => (
              <option key={`b:${name}`} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
        )}
        {groups.tags.length > 0 && (
          <optgroup label="Tags">
            {groups.tags.map((name) => (
              <option key={`t:${name}`} value={name}>
                {name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </>
  );
}
