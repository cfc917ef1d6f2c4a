//! What is hashed of each table: portable SQL that selects a row's natural key and its columns.
//! Surrogate ids never appear; rows reach their repository and commit through joins.

use super::Kind::{self, Bool, Bytes, Int, Text};

/// One hashed table: the first selected value is the row's commit hash (or NULL), then `columns`.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub name: &'static str,
    /// The expression of the commit hash the row belongs to (`NULL` for rows of no commit).
    pub key: &'static str,
    /// Expressions and how they are read.
    pub columns: &'static [(&'static str, Kind)],
    /// `FROM …` with the joins; repository tables alias the repository `r`.
    pub from: &'static str,
    /// Whether rows belong to commits (`key` is a commit hash), so differences narrow to commits.
    pub per_commit: bool,
}

impl TableSpec {
    /// The SELECT, with `$1` the repository name when `by_repository`, then the hash prefix.
    pub(crate) fn select(&self, by_repository: bool, prefix_len: Option<usize>) -> String {
        let columns = self.columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
        let mut sql = format!("SELECT {}, {columns} {} WHERE 1 = 1", self.key, self.from);
        let mut n = 0;
        if by_repository {
            n += 1;
            sql.push_str(&format!(" AND r.name = ${n}"));
        }
        if let Some(len) = prefix_len {
            n += 1;
            sql.push_str(&format!(" AND lower(substr({}, 1, {len})) = ${n}", self.key));
        }
        sql
    }
}

/// The commit tables (also listed in `REPOSITORY_TABLES`).
pub const COMMIT_TABLES: &[&str] = &["commits", "commit_parents", "file_changes", "change_text"];

/// Per repository, in the order a replay writes them.
pub const REPOSITORY_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "repositories",
        key: "CAST(NULL AS TEXT)",
        columns: &[
            ("w.name", Text),
            ("r.name", Text),
            ("r.path", Text),
            ("r.is_shallow", Bool),
            ("r.index_changes", Bool),
        ],
        from: "FROM repositories r JOIN workspaces w ON w.id = r.workspace_id",
        per_commit: false,
    },
    TableSpec {
        name: "refs",
        key: "CAST(NULL AS TEXT)",
        columns: &[("f.name", Text), ("f.kind", Text), ("f.target_hash", Text)],
        from: "FROM refs f JOIN repositories r ON r.id = f.repository_id",
        per_commit: false,
    },
    TableSpec {
        name: "commits",
        key: "c.hash",
        columns: &[
            ("c.hash", Text),
            ("c.author_name", Text),
            ("c.author_email", Text),
            ("c.author_time", Int),
            ("c.author_tz_offset", Int),
            ("c.committer_name", Text),
            ("c.committer_email", Text),
            ("c.committer_time", Int),
            ("c.committer_tz_offset", Int),
            ("c.message", Text),
            ("c.pusher", Text),
            ("c.commit_count", Int),
            ("c.total_additions", Int),
            ("c.total_deletions", Int),
            ("c.files_changed", Int),
            ("c.parent_count", Int),
            ("c.raw_author_name", Text),
            ("c.raw_author_email", Text),
            ("c.raw_committer_name", Text),
            ("c.raw_committer_email", Text),
            ("c.message_bytes", Bytes),
        ],
        from: "FROM commits c JOIN repositories r ON r.id = c.repository_id",
        per_commit: true,
    },
    TableSpec {
        name: "commit_parents",
        key: "c.hash",
        columns: &[("p.position", Int), ("p.parent_hash", Text)],
        from:
            "FROM commit_parents p JOIN commits c ON c.id = p.commit_id JOIN repositories r ON r.id = c.repository_id",
        per_commit: true,
    },
    TableSpec {
        name: "file_changes",
        key: "c.hash",
        columns: &[
            ("f.position", Int),
            ("f.path", Text),
            ("f.old_path", Text),
            ("f.change_kind", Text),
            ("f.is_binary", Bool),
            ("f.additions", Int),
            ("f.deletions", Int),
            ("f.path_bytes", Bytes),
            ("f.old_path_bytes", Bytes),
            ("f.is_submodule", Bool),
            // The diff text by its content hash and size: equal hashes are equal texts.
            ("d.sha256", Text),
            ("d.size", Int),
        ],
        from: "FROM file_changes f JOIN commits c ON c.id = f.commit_id JOIN repositories r ON r.id = c.repository_id \
               LEFT JOIN diff_blobs d ON d.id = f.diff_blob_id",
        per_commit: true,
    },
    TableSpec {
        name: "change_text",
        key: "c.hash",
        columns: &[("t.added", Text), ("t.removed", Text)],
        from: "FROM change_text t JOIN commits c ON c.id = t.commit_id JOIN repositories r ON r.id = c.repository_id",
        per_commit: true,
    },
    TableSpec {
        name: "analysis_runs",
        key: "CAST(NULL AS TEXT)",
        columns: &[
            ("a.kind", Text),
            ("a.parameters", Text),
            ("a.revision", Text),
            ("a.run_key", Text),
            ("a.status", Text),
            ("a.created_at", Int),
            ("a.started_at", Int),
            ("a.finished_at", Int),
            ("a.duration_ms", Int),
            ("a.result_version", Int),
            ("a.result", Text),
            ("a.error_code", Text),
            ("a.error", Text),
        ],
        from: "FROM analysis_runs a JOIN repositories r ON r.id = a.repository_id",
        per_commit: false,
    },
];

/// The tables that belong to no repository.
pub const GLOBAL_TABLES: &[TableSpec] = &[
    TableSpec {
        name: "workspaces",
        key: "CAST(NULL AS TEXT)",
        columns: &[("w.name", Text)],
        from: "FROM workspaces w",
        per_commit: false,
    },
    TableSpec {
        name: "saved_queries",
        key: "CAST(NULL AS TEXT)",
        // The workspace by name: a query moved to another workspace is a difference.
        columns: &[("q.name", Text), ("w.name", Text), ("q.filter", Text)],
        from: "FROM saved_queries q LEFT JOIN workspaces w ON w.id = q.workspace_id",
        per_commit: false,
    },
    TableSpec {
        name: "backup_schedules",
        key: "CAST(NULL AS TEXT)",
        columns: &[
            ("s.name", Text),
            ("s.kind", Text),
            ("s.cron", Text),
            ("s.timezone", Text),
            ("s.interval_seconds", Int),
            ("s.destinations", Text),
            ("s.retention", Text),
            ("s.enabled", Bool),
        ],
        from: "FROM backup_schedules s",
        per_commit: false,
    },
];
