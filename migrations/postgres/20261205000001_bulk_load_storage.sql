-- What an import costs the server per row (issue 13), measured on a generated 20k-commit history:
-- * The changed lines compress with lz4 where the server has it (PostgreSQL 14 and later, built
--   with lz4): pglz took 0.48 s for its 23 MB, lz4 0.20 s, for a table 7 % larger; a `change:`
--   search that reads the lines decompresses them faster too. Without lz4, pglz stays.
-- * Compressed diffs are zstd output: PostgreSQL stores them as they are instead of first trying
--   to compress them again.
-- * ANALYZE leaves out columns whose statistics no query plan uses (compressed diffs, changed
--   lines, a message's raw bytes): 0.9 s → 0.5 s after that import.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE change_text ALTER COLUMN added SET COMPRESSION lz4, '
            'ALTER COLUMN removed SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    NULL;
END
$$;
ALTER TABLE diff_blobs ALTER COLUMN compressed SET STORAGE EXTERNAL, ALTER COLUMN compressed SET STATISTICS 0;
ALTER TABLE change_text ALTER COLUMN added SET STATISTICS 0, ALTER COLUMN removed SET STATISTICS 0;
ALTER TABLE commits ALTER COLUMN message_bytes SET STATISTICS 0;

-- An import's batch indexes the changed lines it stores in its own transaction; it says so with
-- `repovault.batch_indexes_changes`, and the trigger then queues nothing (a queue row per commit,
-- with its key check and, in team mode, its policy, deleted again in the same transaction).
CREATE OR REPLACE FUNCTION change_index_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM change_index_queue;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM change_index_queue q USING old_rows t WHERE q.commit_id = t.commit_id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' AND current_setting('repovault.batch_indexes_changes', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO change_index_queue (commit_id) SELECT commit_id FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
