-- PostgreSQL's columns get cheaper storage for bulk imports (lz4, no second compression, fewer
-- statistics). Nothing changes here; the file keeps both backends at the same schema version (a
-- mirror, a copy and a restore compare them).
SELECT 1;
