-- RepoVault schema, version 1 (SQLite). Times are Unix seconds; offsets are minutes east of UTC.

CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
INSERT INTO workspaces (id, name, created_at) VALUES (1, 'default', CAST(strftime('%s', 'now') AS INTEGER));

CREATE TABLE repositories (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    name            TEXT NOT NULL,
    path            TEXT,
    created_at      INTEGER NOT NULL,
    last_synced_at  INTEGER,
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX repositories_name ON repositories (name);

CREATE TABLE refs (
    id              INTEGER PRIMARY KEY,
    repository_id   INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('branch', 'tag', 'other')),
    target_hash     TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (repository_id, name)
);

CREATE TABLE commits (
    id                  INTEGER PRIMARY KEY,
    repository_id       INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    hash                TEXT NOT NULL,
    author_name         TEXT NOT NULL,
    author_email        TEXT NOT NULL,
    author_time         INTEGER NOT NULL,
    author_tz_offset    INTEGER NOT NULL,
    committer_name      TEXT NOT NULL,
    committer_email     TEXT NOT NULL,
    committer_time      INTEGER NOT NULL,
    committer_tz_offset INTEGER NOT NULL,
    message             TEXT NOT NULL,
    pusher              TEXT,
    commit_count        INTEGER CHECK (commit_count >= 0),
    total_additions     INTEGER CHECK (total_additions >= 0),
    total_deletions     INTEGER CHECK (total_deletions >= 0),
    files_changed       INTEGER NOT NULL CHECK (files_changed >= 0),
    parent_count        INTEGER NOT NULL CHECK (parent_count >= 0),
    stored_at           INTEGER NOT NULL,
    UNIQUE (repository_id, hash)
);
CREATE INDEX commits_hash ON commits (hash);
CREATE INDEX commits_repository_time ON commits (repository_id, committer_time DESC, id DESC);
CREATE INDEX commits_author_time ON commits (author_time);

CREATE TABLE commit_parents (
    commit_id    INTEGER NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    parent_hash  TEXT NOT NULL,
    PRIMARY KEY (commit_id, position)
);
CREATE INDEX commit_parents_parent ON commit_parents (parent_hash);

-- One row per distinct diff text (by sha256 of the uncompressed bytes). Inline rows hold the gzip
-- bytes; external rows live in the blob store under the same hash.
CREATE TABLE diff_blobs (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL CHECK (size >= 0),
    storage     TEXT NOT NULL CHECK (storage IN ('inline', 'external')),
    compressed  BLOB,
    CHECK ((storage = 'inline') = (compressed IS NOT NULL))
);

CREATE TABLE file_changes (
    id            INTEGER PRIMARY KEY,
    commit_id     INTEGER NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    path          TEXT NOT NULL,
    old_path      TEXT,
    change_kind   TEXT NOT NULL CHECK (change_kind IN ('added', 'modified', 'deleted', 'renamed', 'copied', 'typechanged')),
    is_binary     INTEGER NOT NULL CHECK (is_binary IN (0, 1)),
    additions     INTEGER CHECK (additions >= 0),
    deletions     INTEGER CHECK (deletions >= 0),
    diff_blob_id  INTEGER REFERENCES diff_blobs (id),
    UNIQUE (commit_id, position)
);
CREATE INDEX file_changes_path ON file_changes (path);
CREATE INDEX file_changes_diff_blob ON file_changes (diff_blob_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT,
    detail     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
