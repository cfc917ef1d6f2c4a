-- Search that finds word forms and text inside the changes (issue 18).
--
-- `search` and the new `stems` are filled from words split and stemmed in Rust (Snowball
-- English), so both backends index the very same tokens: `search` holds the exact words (quoted
-- phrases, `word*` prefixes), `stems` their stems (bare words). They are recomputed when the store
-- opens (every repository has `search_version` 0 until then).
ALTER TABLE commits ADD COLUMN stems tsvector;
CREATE INDEX commits_stems ON commits USING GIN (stems);

-- The lines each commit adds and removes (over all its text file changes, joined by newlines),
-- searched by `change:`, `added:` and `removed:` through trigram indexes (pg_trgm, a trusted
-- extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE change_text (
    commit_id  BIGINT PRIMARY KEY REFERENCES commits (id) ON DELETE CASCADE,
    added      TEXT NOT NULL,
    removed    TEXT NOT NULL
);
CREATE INDEX change_text_added ON change_text USING GIN (added gin_trgm_ops);
CREATE INDEX change_text_removed ON change_text USING GIN (removed gin_trgm_ops);

-- Per repository: index the changed lines at all (off for huge repositories), and the version of
-- the search index its commits have (0: to be rebuilt when the store opens).
ALTER TABLE repositories ADD COLUMN index_changes BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE repositories ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
