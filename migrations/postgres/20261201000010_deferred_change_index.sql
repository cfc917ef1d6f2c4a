-- SQLite only (issue 13): its trigram index of changed lines is built after an import. PostgreSQL's
-- pg_trgm indexes are kept by the server as rows arrive, so nothing changes here; the file keeps
-- both backends' migration lists equal.
SELECT 1;
