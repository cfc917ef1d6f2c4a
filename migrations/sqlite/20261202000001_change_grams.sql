-- The change index is built in Rust (issue 13, storage/src/change_grams.rs): per commit, each
-- distinct three-byte sequence of its added and removed lines, as commit lists in segments. It
-- replaces the FTS5 trigram table `change_search`, which indexed every position of every changed
-- line inside SQLite's one writer (2.3 s of a 3.6 s import of pallets/flask; git log -p 1.4 s).
-- Searches test the stored lines of the candidates it gives, so they answer as a scan would.
DROP TRIGGER change_text_ai;
DROP TRIGGER change_text_ad;
DROP TRIGGER change_text_au;
DROP TABLE change_search;

-- One row per indexing step (or merge of steps), with the size of its lists for merging.
CREATE TABLE change_gram_segments (
    id     INTEGER PRIMARY KEY,
    bytes  INTEGER NOT NULL
);
-- A segment's sequences in order, in blocks of about 8 KiB: each block holds the commit lists of a
-- run of consecutive sequences, found by the first one (the block at or before a sequence).
CREATE TABLE change_gram_blocks (
    segment     INTEGER NOT NULL,
    first_gram  INTEGER NOT NULL,
    entries     BLOB NOT NULL
);
CREATE UNIQUE INDEX change_gram_blocks_by_segment ON change_gram_blocks (segment, first_gram);

-- A stored commit is queued for the index; a deleted one leaves the queue (its ids stay in the
-- lists, where the test of the stored lines drops them); a changed one is indexed again.
CREATE TRIGGER change_text_ai AFTER INSERT ON change_text BEGIN
    INSERT OR IGNORE INTO change_index_queue (commit_id) VALUES (new.commit_id);
END;
CREATE TRIGGER change_text_ad AFTER DELETE ON change_text BEGIN
    DELETE FROM change_index_queue WHERE commit_id = old.commit_id;
END;
CREATE TRIGGER change_text_au AFTER UPDATE ON change_text BEGIN
    INSERT OR IGNORE INTO change_index_queue (commit_id) VALUES (new.commit_id);
END;

-- Everything already stored is indexed again (when the store opens after this migration); until
-- then `change:` scans the queued commits, with the same answers.
INSERT OR IGNORE INTO change_index_queue (commit_id) SELECT commit_id FROM change_text;
