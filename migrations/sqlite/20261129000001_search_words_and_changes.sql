-- Search that finds word forms and text inside the changes (issue 18).
--
-- commit_search gains a `stems` column: the message and path words reduced to their stems in Rust
-- (Snowball English), so `segfault` also finds "segfaults" and both backends index the very same
-- tokens. The exact `message` and `paths` columns stay for quoted phrases and `word*` prefixes.
-- The table is rebuilt empty here; the store refills it from the commits when it opens (every
-- repository has `search_version` 0 until then), since stems are computed in Rust.
DROP TABLE commit_search;
CREATE VIRTUAL TABLE commit_search USING fts5(message, paths, stems, tokenize = 'unicode61 remove_diacritics 0');

-- The lines each commit adds and removes (over all its text file changes, joined by newlines),
-- searched by `change:`, `added:` and `removed:` through a trigram index that reads its text from
-- this table (external content, kept in step by the triggers below).
CREATE TABLE change_text (
    commit_id  INTEGER PRIMARY KEY REFERENCES commits (id) ON DELETE CASCADE,
    added      TEXT NOT NULL,
    removed    TEXT NOT NULL
);
CREATE VIRTUAL TABLE change_search USING fts5(added, removed, content = 'change_text', content_rowid = 'commit_id', tokenize = 'trigram');
CREATE TRIGGER change_text_ai AFTER INSERT ON change_text BEGIN
    INSERT INTO change_search (rowid, added, removed) VALUES (new.commit_id, new.added, new.removed);
END;
CREATE TRIGGER change_text_ad AFTER DELETE ON change_text BEGIN
    INSERT INTO change_search (change_search, rowid, added, removed) VALUES ('delete', old.commit_id, old.added, old.removed);
END;
CREATE TRIGGER change_text_au AFTER UPDATE ON change_text BEGIN
    INSERT INTO change_search (change_search, rowid, added, removed) VALUES ('delete', old.commit_id, old.added, old.removed);
    INSERT INTO change_search (rowid, added, removed) VALUES (new.commit_id, new.added, new.removed);
END;

-- Per repository: index the changed lines at all (off for huge repositories), and the version of
-- the search index its commits have (0: to be rebuilt when the store opens).
ALTER TABLE repositories ADD COLUMN index_changes INTEGER NOT NULL DEFAULT 1 CHECK (index_changes IN (0, 1));
ALTER TABLE repositories ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
