-- RepoVault schema, version 1 (PostgreSQL). Times are Unix seconds; offsets are minutes east of UTC.
-- Hashes use the "C" collation so prefix look-ups are plain index range scans.

CREATE TABLE workspaces (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);
INSERT INTO workspaces (name, created_at) VALUES ('default', EXTRACT(EPOCH FROM now())::BIGINT);

CREATE TABLE repositories (
    id              BIGSERIAL PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspaces (id),
    name            TEXT NOT NULL,
    path            TEXT,
    created_at      BIGINT NOT NULL,
    last_synced_at  BIGINT,
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX repositories_name ON repositories (name);

CREATE TABLE refs (
    id              BIGSERIAL PRIMARY KEY,
    repository_id   BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('branch', 'tag', 'other')),
    target_hash     TEXT COLLATE "C" NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (repository_id, name)
);

CREATE TABLE commits (
    id                  BIGSERIAL PRIMARY KEY,
    repository_id       BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    hash                TEXT COLLATE "C" NOT NULL,
    author_name         TEXT NOT NULL,
    author_email        TEXT NOT NULL,
    author_time         BIGINT NOT NULL,
    author_tz_offset    INTEGER NOT NULL,
    committer_name      TEXT NOT NULL,
    committer_email     TEXT NOT NULL,
    committer_time      BIGINT NOT NULL,
    committer_tz_offset INTEGER NOT NULL,
    message             TEXT NOT NULL,
    pusher              TEXT,
    commit_count        BIGINT CHECK (commit_count >= 0),
    total_additions     BIGINT CHECK (total_additions >= 0),
    total_deletions     BIGINT CHECK (total_deletions >= 0),
    files_changed       BIGINT NOT NULL CHECK (files_changed >= 0),
    parent_count        BIGINT NOT NULL CHECK (parent_count >= 0),
    stored_at           BIGINT NOT NULL,
    UNIQUE (repository_id, hash)
);
CREATE INDEX commits_hash ON commits (hash);
CREATE INDEX commits_repository_time ON commits (repository_id, committer_time DESC, id DESC);
CREATE INDEX commits_author_time ON commits (author_time);

CREATE TABLE commit_parents (
    commit_id    BIGINT NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL CHECK (position >= 0),
    parent_hash  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (commit_id, position)
);
CREATE INDEX commit_parents_parent ON commit_parents (parent_hash);

-- One row per distinct diff text (by sha256 of the uncompressed bytes). Inline rows hold the gzip
-- bytes; external rows live in the blob store under the same hash.
CREATE TABLE diff_blobs (
    id          BIGSERIAL PRIMARY KEY,
    sha256      TEXT COLLATE "C" NOT NULL UNIQUE,
    size        BIGINT NOT NULL CHECK (size >= 0),
    storage     TEXT NOT NULL CHECK (storage IN ('inline', 'external')),
    compressed  BYTEA,
    CHECK ((storage = 'inline') = (compressed IS NOT NULL))
);

CREATE TABLE file_changes (
    id            BIGSERIAL PRIMARY KEY,
    commit_id     BIGINT NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    path          TEXT NOT NULL,
    old_path      TEXT,
    change_kind   TEXT NOT NULL CHECK (change_kind IN ('added', 'modified', 'deleted', 'renamed', 'copied', 'typechanged')),
    is_binary     BOOLEAN NOT NULL,
    additions     BIGINT CHECK (additions >= 0),
    deletions     BIGINT CHECK (deletions >= 0),
    diff_blob_id  BIGINT REFERENCES diff_blobs (id),
    UNIQUE (commit_id, position)
);
CREATE INDEX file_changes_path ON file_changes (path);
CREATE INDEX file_changes_diff_blob ON file_changes (diff_blob_id);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT,
    detail     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
