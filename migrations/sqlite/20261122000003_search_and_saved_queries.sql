-- Full-text search over commit messages and changed paths (FTS5; rowid = commits.id), and saved
-- queries. Paths are space-joined; the unicode61 tokenizer splits them at '/', '.', '_' and '-'.
CREATE VIRTUAL TABLE commit_search USING fts5(message, paths, tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO commit_search (rowid, message, paths)
SELECT c.id, c.message, COALESCE((SELECT group_concat(f.path, ' ') FROM file_changes f WHERE f.commit_id = c.id), '')
FROM commits c;

CREATE TABLE saved_queries (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    filter      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
