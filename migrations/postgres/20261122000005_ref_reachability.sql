-- Which commits each branch or tag reaches, so a `branch` query is a join, not a history walk.
-- Filled on first use and again after the ref moved: `reach_target` is the target the rows were
-- computed for, NULL when they were never computed.
ALTER TABLE refs ADD COLUMN reach_target TEXT COLLATE "C";

CREATE TABLE ref_reach (
    ref_id     BIGINT NOT NULL REFERENCES refs (id) ON DELETE CASCADE,
    commit_id  BIGINT NOT NULL REFERENCES commits (id) ON DELETE CASCADE,
    PRIMARY KEY (ref_id, commit_id)
);
-- Deleting commits (removing a repository) finds their rows through this index.
CREATE INDEX ref_reach_commit ON ref_reach (commit_id);
