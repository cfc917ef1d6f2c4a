-- Repositories added by URL and kept in sync in the background: where the bare mirror fetches
-- from (no credentials in it: those come from git's credential helpers or the OS keyring), how
-- often the app syncs it on its own (NULL: never, the default), and how the last background or
-- manual sync went (when, and its error; NULL error: it succeeded).
ALTER TABLE repositories ADD COLUMN remote_url TEXT;
ALTER TABLE repositories ADD COLUMN sync_interval_secs BIGINT CHECK (sync_interval_secs IS NULL OR sync_interval_secs > 0);
ALTER TABLE repositories ADD COLUMN last_sync_attempt_at BIGINT;
ALTER TABLE repositories ADD COLUMN last_sync_error TEXT;
