-- Lossless git import: the identity before .mailmap (kept when the mailmap changed it), and the
-- exact bytes of a message or path that is not valid UTF-8 (the text column then holds a lossy copy).
ALTER TABLE commits ADD COLUMN raw_author_name TEXT;
ALTER TABLE commits ADD COLUMN raw_author_email TEXT;
ALTER TABLE commits ADD COLUMN raw_committer_name TEXT;
ALTER TABLE commits ADD COLUMN raw_committer_email TEXT;
ALTER TABLE commits ADD COLUMN message_bytes BLOB;
ALTER TABLE file_changes ADD COLUMN path_bytes BLOB;
ALTER TABLE file_changes ADD COLUMN old_path_bytes BLOB;
ALTER TABLE file_changes ADD COLUMN is_submodule INTEGER NOT NULL DEFAULT 0 CHECK (is_submodule IN (0, 1));
ALTER TABLE repositories ADD COLUMN is_shallow INTEGER NOT NULL DEFAULT 0 CHECK (is_shallow IN (0, 1));
