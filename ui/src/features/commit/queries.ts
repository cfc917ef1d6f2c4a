import { queryOptions } from "@tanstack/react-query";

import { api } from "../../shared/api";

/** The commit view's query keys: a commit without its diff texts, and one file change's diff. */
export const commitKeys = {
  stat: (repositoryId: number, hash: string) => ["commit", "get_commit_stat", repositoryId, hash] as const,
  fileDiff: (fileChangeId: number) => ["commit", "get_file_diff", fileChangeId] as const,
};

/** A commit with its changed files, every `diff` null (`get_commit_stat`). */
export const commitStatQuery = (repositoryId: number, hash: string) =>
  queryOptions({ queryKey: commitKeys.stat(repositoryId, hash), queryFn: () => api.getCommitStat(repositoryId, hash) });

/** One file change's diff text, or null when it has none (`get_file_diff`). */
export const fileDiffQuery = (fileChangeId: number) =>
  queryOptions({ queryKey: commitKeys.fileDiff(fileChangeId), queryFn: () => api.getFileDiff(fileChangeId) });
