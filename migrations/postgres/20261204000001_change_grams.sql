-- PostgreSQL's change index becomes SQLite's (issue 13, storage/src/change_grams.rs): for each
-- three-byte sequence of the lines commits add or remove, the commits holding it, as commit lists
-- in segments built in Rust. The trigram GIN index over runs of 32 changed lines (`change_lines`,
-- migration 20261201000001) cost more than the rest of an import: its upkeep was 3.6 s of a 6.3 s
-- import of pallets/flask (git log -p: 1.4 s), and building it once after the load took as long
-- (3.3 s for flask's 17 MB of lines), since both extract and insert every trigram of every run
-- (7 million keys); an `int4[]` GIN of sequences worked out in Rust was slower still.
--
-- Searches intersect the lists of their text's sequences and test each candidate's stored lines
-- (`change_text`), so their answers are a scan's. A segment holds one workspace's commits, so that
-- team mode's row-level security shows a member only its workspaces' lists.
DROP TRIGGER change_lines_insert ON change_text;
DROP TRIGGER change_lines_update ON change_text;
DROP TRIGGER change_lines_delete ON change_text;
DROP TRIGGER change_lines_truncate ON change_text;
DROP TABLE change_lines;
DROP FUNCTION change_lines_follow();
DROP FUNCTION change_lines_rebuild();

-- Commits whose changed lines are stored but not yet indexed: rows written other than by an
-- import's batches (a copy, a restore, the mirror, this migration). Searches scan them.
CREATE TABLE change_index_queue (
    commit_id  BIGINT PRIMARY KEY REFERENCES commits (id) ON DELETE CASCADE
);

-- One row per indexing step (or merge of steps) of one workspace, with the size of its lists.
CREATE TABLE change_gram_segments (
    id            BIGSERIAL PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    bytes         BIGINT NOT NULL
);
CREATE INDEX change_gram_segments_workspace ON change_gram_segments (workspace_id, bytes);
-- A segment's sequences in order, in blocks of about 8 KiB, found by their first sequence.
CREATE TABLE change_gram_blocks (
    segment     BIGINT NOT NULL REFERENCES change_gram_segments (id) ON DELETE CASCADE,
    first_gram  BIGINT NOT NULL,
    entries     BYTEA NOT NULL,
    PRIMARY KEY (segment, first_gram)
);

-- A stored or changed change_text row queues its commit (an import's batch takes its own commits
-- off again in the same transaction, having indexed them); a deleted one leaves the queue. Their
-- ids stay in the lists, where the test of the stored lines drops them.
CREATE FUNCTION change_index_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM change_index_queue;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM change_index_queue q USING old_rows t WHERE q.commit_id = t.commit_id;
        RETURN NULL;
    END IF;
    INSERT INTO change_index_queue (commit_id) SELECT commit_id FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER change_index_insert AFTER INSERT ON change_text
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_index_follow();
CREATE TRIGGER change_index_update AFTER UPDATE ON change_text
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_index_follow();
CREATE TRIGGER change_index_delete AFTER DELETE ON change_text
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION change_index_follow();
CREATE TRIGGER change_index_truncate AFTER TRUNCATE ON change_text
    FOR EACH STATEMENT EXECUTE FUNCTION change_index_follow();

-- Everything already stored is indexed by the next import or sync; until then `change:` scans it.
INSERT INTO change_index_queue (commit_id) SELECT commit_id FROM change_text;

-- A database already in team mode (`repovault-cli team init`, see team.rs) gets the policies the
-- next `team init` would give these tables.
DO $$
BEGIN
    IF to_regclass('repovault_team.grants') IS NOT NULL THEN
        ALTER TABLE change_index_queue ENABLE ROW LEVEL SECURITY;
        ALTER TABLE change_gram_segments ENABLE ROW LEVEL SECURITY;
        ALTER TABLE change_gram_blocks ENABLE ROW LEVEL SECURITY;
        GRANT SELECT, INSERT, UPDATE, DELETE ON change_index_queue, change_gram_segments, change_gram_blocks
            TO repovault_member;
        GRANT USAGE, SELECT ON SEQUENCE change_gram_segments_id_seq TO repovault_member;
        CREATE POLICY member_read ON change_index_queue FOR SELECT TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.readable())));
        CREATE POLICY member_insert ON change_index_queue FOR INSERT TO repovault_member WITH CHECK (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_update ON change_index_queue FOR UPDATE TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable()))) WITH CHECK (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_delete ON change_index_queue FOR DELETE TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_read ON change_gram_segments FOR SELECT TO repovault_member
            USING (workspace_id IN (SELECT repovault_team.readable()));
        CREATE POLICY member_insert ON change_gram_segments FOR INSERT TO repovault_member
            WITH CHECK (workspace_id IN (SELECT repovault_team.writable()));
        CREATE POLICY member_update ON change_gram_segments FOR UPDATE TO repovault_member
            USING (workspace_id IN (SELECT repovault_team.writable()))
            WITH CHECK (workspace_id IN (SELECT repovault_team.writable()));
        CREATE POLICY member_delete ON change_gram_segments FOR DELETE TO repovault_member
            USING (workspace_id IN (SELECT repovault_team.writable()));
        CREATE POLICY member_read ON change_gram_blocks FOR SELECT TO repovault_member USING (segment IN (
            SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT repovault_team.readable())));
        CREATE POLICY member_insert ON change_gram_blocks FOR INSERT TO repovault_member WITH CHECK (segment IN (
            SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_update ON change_gram_blocks FOR UPDATE TO repovault_member USING (segment IN (
            SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT repovault_team.writable())))
            WITH CHECK (segment IN (
            SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_delete ON change_gram_blocks FOR DELETE TO repovault_member USING (segment IN (
            SELECT s.id FROM change_gram_segments s WHERE s.workspace_id IN (SELECT repovault_team.writable())));
    END IF;
END $$;
