/** A commit by repository and hash. */
export interface CommitRef {
  repositoryId: number;
  hash: string;
}
