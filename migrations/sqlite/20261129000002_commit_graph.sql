-- The commit graph beside the History list: one row per commit of a scope (every commit of a
-- repository, or those a ref reaches), in the list's order (newest committer time first, then
-- hash, then id), with the lane the commit sits in and the lines crossing its row. Computed from
-- the stored parents when a scope is first shown and again after its commits changed
-- (`fingerprint`), so a page of the graph is a range read.
CREATE TABLE graph_scopes (
    id             INTEGER PRIMARY KEY,
    repository_id  INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    scope          TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    width          INTEGER NOT NULL CHECK (width >= 0),
    row_count      INTEGER NOT NULL CHECK (row_count >= 0),
    -- For the scope '#dag': the repository's whole commit graph (ids, times, hashes, parents as
    -- rows), so the walks (compare, blame) read one value instead of every commit and parent row.
    dag            BLOB,
    built_at       INTEGER NOT NULL,
    UNIQUE (repository_id, scope)
);

-- `edges`: "TOP|BOTTOM|PASS", comma-separated lane numbers: the lanes at the row's top that end in
-- the commit, the lanes at its bottom that lead to its parents, the lanes passing straight through.
-- No foreign key to commits: rows go with their scope, and deleting commits need not probe here.
CREATE TABLE graph_rows (
    scope_id   INTEGER NOT NULL REFERENCES graph_scopes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    commit_id  INTEGER NOT NULL,
    lane       INTEGER NOT NULL CHECK (lane >= 0),
    edges      TEXT NOT NULL,
    PRIMARY KEY (scope_id, position)
) WITHOUT ROWID;

-- A file's history follows renames backwards: the commits that renamed a path away are found by
-- their old path.
CREATE INDEX file_changes_old_path ON file_changes (old_path) WHERE old_path IS NOT NULL;
