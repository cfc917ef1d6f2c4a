-- PostgreSQL splits the changed lines into runs of 32 lines for `change:` (issue 18). SQLite's
-- FTS5 trigram table already matches within a commit's text in an index lookup, so nothing
-- changes here; the file keeps both backends at the same schema version.
SELECT 1;
