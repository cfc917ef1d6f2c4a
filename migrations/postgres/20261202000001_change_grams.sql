-- SQLite only (issue 13): its change index moved from an FTS5 table to commit lists built in Rust.
-- PostgreSQL's pg_trgm indexes are unchanged; the file keeps both backends' migration lists equal.
SELECT 1;
