-- Full-text search over commit messages and changed paths (a tsvector with a GIN index), and
-- saved queries. Paths have '/', '.', '_' and '-' turned into spaces so they split into words
-- as SQLite's unicode61 tokenizer splits them.
ALTER TABLE commits ADD COLUMN search tsvector;
UPDATE commits c SET search = to_tsvector('simple', c.message || ' ' || translate(
    COALESCE((SELECT string_agg(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), ''), '/._-', '    '));
CREATE INDEX commits_search ON commits USING GIN (search);

CREATE TABLE saved_queries (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    filter      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
