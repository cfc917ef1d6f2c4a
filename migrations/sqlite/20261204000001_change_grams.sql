-- PostgreSQL's change index becomes the one SQLite has had since 20261202000001 (issue 13): commit
-- lists per three-byte sequence, built in Rust. Nothing changes here; the file keeps both backends
-- at the same schema version (a mirror, a copy and a restore compare them).
SELECT 1;
