-- Saved queries belong to a workspace (team mode: row-level security shows a member only the
-- saved queries of the workspaces granted to it). Existing ones go to the first workspace.
ALTER TABLE saved_queries ADD COLUMN workspace_id BIGINT REFERENCES workspaces (id) ON DELETE CASCADE;
UPDATE saved_queries SET workspace_id = (SELECT MIN(id) FROM workspaces);
CREATE INDEX saved_queries_workspace ON saved_queries (workspace_id);
