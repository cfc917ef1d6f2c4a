-- Lossless git import: the identity before .mailmap (kept when the mailmap changed it), and the
-- exact bytes of a message or path that is not valid UTF-8 (the text column then holds a lossy copy).
ALTER TABLE commits ADD COLUMN raw_author_name TEXT;
ALTER TABLE commits ADD COLUMN raw_author_email TEXT;
ALTER TABLE commits ADD COLUMN raw_committer_name TEXT;
ALTER TABLE commits ADD COLUMN raw_committer_email TEXT;
ALTER TABLE commits ADD COLUMN message_bytes BYTEA;
ALTER TABLE file_changes ADD COLUMN path_bytes BYTEA;
ALTER TABLE file_changes ADD COLUMN old_path_bytes BYTEA;
ALTER TABLE file_changes ADD COLUMN is_submodule BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE repositories ADD COLUMN is_shallow BOOLEAN NOT NULL DEFAULT FALSE;
