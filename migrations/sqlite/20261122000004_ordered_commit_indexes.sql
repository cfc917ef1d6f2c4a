-- Commit lists are sorted by time, then hash, then id (see query/compile.rs); with these indexes a
-- page is read in order and the scan stops after the page instead of sorting every match.
CREATE INDEX commits_time_order ON commits (committer_time, hash, id);
CREATE INDEX commits_author_time_order ON commits (author_time, hash, id);
DROP INDEX commits_author_time;
