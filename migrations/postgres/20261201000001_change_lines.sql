-- `change:` on PostgreSQL searches runs of 32 changed lines instead of a commit's whole text
-- (issue 18). The trigram index finds every row holding all of the text's trigrams, and each
-- such row's text must then be read and matched again: with one row per commit, rare text made of
-- common trigrams (`return 4242`) had ~1,200 candidate commits, most of them large, and matching
-- their text took ~200 ms. Trigrams must now meet within 32 lines, and a candidate is at most 32
-- lines: the same question reads ~570 short rows (~13 ms). A match never spans lines (the text
-- searched is one line), so the answers are the same.
--
-- `change_text` stays what the writers write and what copies, backups and checks read; these rows
-- follow it by statement triggers (one set-based insert per write statement). They reference the
-- commit rather than its change_text row so that change_text can still be dropped and made again
-- (as the upgrade tests do to stand for an older store).
CREATE TABLE change_lines (
    commit_id  BIGINT NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    -- 'a': added lines, 'r': removed lines.
    side       "char" NOT NULL,
    part       INTEGER NOT NULL,
    lines      TEXT NOT NULL,
    PRIMARY KEY (commit_id, side, part)
);

-- Splits the rows a statement wrote into change_lines rows (an update's old rows go first).
CREATE FUNCTION change_lines_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        -- Not TRUNCATE: a restore truncates change_lines in the same statement as change_text.
        DELETE FROM change_lines;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM change_lines l USING old_rows t WHERE l.commit_id = t.commit_id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM change_lines l USING new_rows t WHERE l.commit_id = t.commit_id;
    END IF;
    INSERT INTO change_lines (commit_id, side, part, lines)
    SELECT s.commit_id, s.side, (s.n - 1) / 32, string_agg(s.line, E'\n' ORDER BY s.n)
    FROM (
        SELECT t.commit_id, 'a'::"char" AS side, l.line, l.n
        FROM new_rows t, string_to_table(t.added, E'\n') WITH ORDINALITY AS l (line, n) WHERE t.added <> ''
        UNION ALL
        SELECT t.commit_id, 'r'::"char", l.line, l.n
        FROM new_rows t, string_to_table(t.removed, E'\n') WITH ORDINALITY AS l (line, n) WHERE t.removed <> ''
    ) s
    GROUP BY s.commit_id, s.side, (s.n - 1) / 32;
    RETURN NULL;
END $$;

CREATE TRIGGER change_lines_insert AFTER INSERT ON change_text
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_lines_follow();
CREATE TRIGGER change_lines_update AFTER UPDATE ON change_text
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_lines_follow();
CREATE TRIGGER change_lines_delete AFTER DELETE ON change_text
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION change_lines_follow();
CREATE TRIGGER change_lines_truncate AFTER TRUNCATE ON change_text
    FOR EACH STATEMENT EXECUTE FUNCTION change_lines_follow();

-- All of change_lines again from change_text: the stored changes of an existing store here, and
-- a store copy's bulk load (which loads change_text with the triggers off, then calls this).
CREATE FUNCTION change_lines_rebuild() RETURNS VOID LANGUAGE sql AS $$
    TRUNCATE change_lines;
    INSERT INTO change_lines (commit_id, side, part, lines)
    SELECT s.commit_id, s.side, (s.n - 1) / 32, string_agg(s.line, E'\n' ORDER BY s.n)
    FROM (
        SELECT t.commit_id, 'a'::"char" AS side, l.line, l.n
        FROM change_text t, string_to_table(t.added, E'\n') WITH ORDINALITY AS l (line, n) WHERE t.added <> ''
        UNION ALL
        SELECT t.commit_id, 'r'::"char", l.line, l.n
        FROM change_text t, string_to_table(t.removed, E'\n') WITH ORDINALITY AS l (line, n) WHERE t.removed <> ''
    ) s
    GROUP BY s.commit_id, s.side, (s.n - 1) / 32;
$$;

-- The index is built once after the load.
SELECT change_lines_rebuild();
CREATE INDEX change_lines_trgm ON change_lines USING GIN (lines gin_trgm_ops);

-- Nothing searches change_text's own text any more: its indexes would only cost every write.
DROP INDEX change_text_added;
DROP INDEX change_text_removed;

-- A database already in team mode (`repovault-cli team init`, see team.rs) gets the policies the
-- next `team init` would give this table, so that members can keep writing and still see only
-- their workspaces' rows.
DO $$
BEGIN
    IF to_regclass('repovault_team.grants') IS NOT NULL THEN
        ALTER TABLE change_lines ENABLE ROW LEVEL SECURITY;
        GRANT SELECT, INSERT, UPDATE, DELETE ON change_lines TO repovault_member;
        CREATE POLICY member_read ON change_lines FOR SELECT TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.readable())));
        CREATE POLICY member_insert ON change_lines FOR INSERT TO repovault_member WITH CHECK (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_update ON change_lines FOR UPDATE TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable()))) WITH CHECK (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
        CREATE POLICY member_delete ON change_lines FOR DELETE TO repovault_member USING (commit_id IN (
            SELECT c.id FROM commits c JOIN repositories r ON r.id = c.repository_id
            WHERE r.workspace_id IN (SELECT repovault_team.writable())));
    END IF;
END $$;
