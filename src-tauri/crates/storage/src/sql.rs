//! The `Store` implementation shared by both backends. The SQL is portable (`$N` placeholders work
//! on SQLite and PostgreSQL alike), so one body is instantiated per backend by `impl_sql_store!`;
//! what differs (connecting, pragmas, schema checks) lives in `sqlite.rs` and `postgres.rs`.

use crate::blob::{decode_diff, prepare_diff, BlobStore, PreparedDiff};
use crate::error::{Result, StoreError};
use crate::model::{ChangeKind, Commit, CommitTotals, FileChange, NewCommit, NewFileChange, Repository, Signature};
use crate::store::CommitBatchItem;
use crate::validate;

/// Columns of `commits` read into `CommitRow`, prefixed with `c.`.
pub(crate) const COMMIT_COLUMNS: &str = "c.id, c.repository_id, c.hash, c.author_name, c.author_email, \
    c.author_time, c.author_tz_offset, c.committer_name, c.committer_email, c.committer_time, \
    c.committer_tz_offset, c.message, c.pusher, c.commit_count, c.total_additions, c.total_deletions, \
    c.files_changed, c.stored_at";

pub(crate) const REPOSITORY_SELECT: &str = "SELECT r.id, w.name AS workspace, r.name, r.path, r.created_at, \
    r.last_synced_at, (SELECT COUNT(*) FROM commits c WHERE c.repository_id = r.id) AS commit_count \
    FROM repositories r JOIN workspaces w ON w.id = r.workspace_id";

#[derive(sqlx::FromRow)]
pub(crate) struct CommitRow {
    id: i64,
    repository_id: i64,
    hash: String,
    author_name: String,
    author_email: String,
    author_time: i64,
    author_tz_offset: i32,
    committer_name: String,
    committer_email: String,
    committer_time: i64,
    committer_tz_offset: i32,
    message: String,
    pusher: Option<String>,
    commit_count: Option<i64>,
    total_additions: Option<i64>,
    total_deletions: Option<i64>,
    files_changed: i64,
    stored_at: i64,
}

impl CommitRow {
    pub(crate) fn into_commit(self, parents: Vec<String>) -> Commit {
        Commit {
            id: self.id,
            repository_id: self.repository_id,
            hash: self.hash,
            parents,
            author: Signature {
                name: self.author_name,
                email: self.author_email,
                time: self.author_time,
                tz_offset_minutes: self.author_tz_offset,
            },
            committer: Signature {
                name: self.committer_name,
                email: self.committer_email,
                time: self.committer_time,
                tz_offset_minutes: self.committer_tz_offset,
            },
            message: self.message,
            pusher: self.pusher,
            commit_count: self.commit_count,
            totals: CommitTotals {
                total_additions: self.total_additions,
                total_deletions: self.total_deletions,
                files_changed: self.files_changed,
            },
            stored_at: self.stored_at,
        }
    }

    pub(crate) fn hash(&self) -> &str {
        &self.hash
    }

    pub(crate) fn id(&self) -> i64 {
        self.id
    }

    pub(crate) fn repository_id(&self) -> i64 {
        self.repository_id
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RepositoryRow {
    id: i64,
    workspace: String,
    name: String,
    path: Option<String>,
    created_at: i64,
    last_synced_at: Option<i64>,
    commit_count: i64,
}

impl From<RepositoryRow> for Repository {
    fn from(row: RepositoryRow) -> Repository {
        Repository {
            id: row.id,
            workspace: row.workspace,
            name: row.name,
            path: row.path,
            created_at: row.created_at,
            last_synced_at: row.last_synced_at,
            commit_count: row.commit_count,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FileChangeRow {
    id: i64,
    path: String,
    old_path: Option<String>,
    change_kind: String,
    is_binary: bool,
    additions: Option<i64>,
    deletions: Option<i64>,
    sha256: Option<String>,
    size: Option<i64>,
    storage: Option<String>,
    compressed: Option<Vec<u8>>,
}

pub(crate) const FILE_CHANGE_SELECT: &str = "SELECT fc.id, fc.path, fc.old_path, fc.change_kind, fc.is_binary, \
    fc.additions, fc.deletions, d.sha256, d.size, d.storage, d.compressed \
    FROM file_changes fc LEFT JOIN diff_blobs d ON d.id = fc.diff_blob_id";

impl FileChangeRow {
    /// Reads the diff bytes from the row (inline) or the blob store (external).
    pub(crate) async fn diff_bytes(&self, blobs: &BlobStore) -> Result<Option<Vec<u8>>> {
        let Some(sha256) = &self.sha256 else { return Ok(None) };
        let compressed = match (self.storage.as_deref(), &self.compressed) {
            (Some("inline"), Some(bytes)) => bytes.clone(),
            (Some("external"), _) => blobs.get(sha256).await?,
            (storage, _) => {
                return Err(StoreError::Query(format!("diff {sha256} has an unreadable storage mark {storage:?}")))
            }
        };
        decode_diff(sha256, &compressed).map(Some)
    }

    pub(crate) async fn into_file_change(self, blobs: &BlobStore) -> Result<FileChange> {
        let diff = self.diff_bytes(blobs).await?;
        let kind = ChangeKind::parse(&self.change_kind)
            .ok_or_else(|| StoreError::Query(format!("unknown change kind {:?}", self.change_kind)))?;
        Ok(FileChange {
            id: self.id,
            path: self.path,
            old_path: self.old_path,
            kind,
            is_binary: self.is_binary,
            additions: self.additions,
            deletions: self.deletions,
            diff_size: self.size,
            diff: diff.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        })
    }
}

/// A validated batch with its diffs compressed and hashed, ready for one transaction.
pub(crate) struct PreparedCommit {
    pub commit: NewCommit,
    pub changes: Vec<(NewFileChange, Option<PreparedDiff>)>,
    pub totals: CommitTotals,
}

/// Validates every commit (field names say which commit: `commits[3].author.name`), compresses the
/// diffs, and uploads the large ones to the blob store. Nothing reaches the database here; blobs
/// are content-addressed, so one uploaded for a batch that later fails is harmless.
pub(crate) async fn prepare_batch(batch: &[CommitBatchItem], blobs: &BlobStore) -> Result<Vec<PreparedCommit>> {
    let commits = validate::batch(batch)?;
    let mut prepared = Vec::with_capacity(batch.len());
    for (commit, (_, changes)) in commits.into_iter().zip(batch) {
        let mut prepared_changes = Vec::with_capacity(changes.len());
        for change in changes {
            let diff = change.diff.as_deref().map(prepare_diff);
            if let Some(diff) = diff.as_ref().filter(|d| !d.inline) {
                blobs.put(&diff.sha256, diff.compressed.clone()).await?;
            }
            prepared_changes.push((change.without_diff(), diff));
        }
        prepared.push(PreparedCommit { commit, totals: CommitTotals::of(changes), changes: prepared_changes });
    }
    Ok(prepared)
}

/// The range `[prefix, prefix + "g")` holds exactly the lower-case hex strings starting with
/// `prefix`, and is an index range scan on both backends.
pub(crate) fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}g"))
}

/// Instantiates the shared `Store` implementation for a backend struct with fields
/// `pool: sqlx::Pool<$db>`, `blobs: BlobStore`, `info: StoreInfo`, `migrator: &'static Migrator`.
macro_rules! impl_sql_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn info(&self) -> $crate::model::StoreInfo {
                self.info.clone()
            }

            async fn ensure_repository(
                &self,
                workspace: &str,
                name: &str,
                path: Option<&str>,
            ) -> $crate::error::Result<$crate::model::Repository> {
                $crate::validate::non_empty_text("workspace", workspace)?;
                $crate::validate::non_empty_text("name", name)?;
                if let Some(path) = path {
                    $crate::validate::non_empty_text("path", path)?;
                }
                match self.repository_by_name(name).await {
                    Err($crate::error::StoreError::NotFound { .. }) => {}
                    found => return found,
                }
                let now = chrono::Utc::now().timestamp();
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO workspaces (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                    .bind(workspace)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO repositories (workspace_id, name, path, created_at) \
                     SELECT id, $2, $3, $4 FROM workspaces WHERE name = $1 RETURNING id",
                )
                .bind(workspace)
                .bind(name)
                .bind(path)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                audit(&mut *tx, "repository.create", "repository", Some(&id.to_string()), Some(name)).await?;
                tx.commit().await?;
                self.repository_by_name(name).await
            }

            async fn repository_by_name(&self, name: &str) -> $crate::error::Result<$crate::model::Repository> {
                let sql = format!("{} WHERE r.name = $1", $crate::sql::REPOSITORY_SELECT);
                let row: Option<$crate::sql::RepositoryRow> =
                    sqlx::query_as(&sql).bind(name).fetch_optional(&self.pool).await?;
                row.map(Into::into)
                    .ok_or_else(|| $crate::error::StoreError::not_found(format!("repository {name:?}")))
            }

            async fn repositories(&self) -> $crate::error::Result<Vec<$crate::model::Repository>> {
                let sql = format!("{} ORDER BY r.name", $crate::sql::REPOSITORY_SELECT);
                let rows: Vec<$crate::sql::RepositoryRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn store_commits(
                &self,
                repository_id: i64,
                batch: &[$crate::store::CommitBatchItem],
            ) -> $crate::error::Result<Vec<$crate::model::StorageResult>> {
                use $crate::model::{StorageResult, StorageStatus};
                let prepared = $crate::sql::prepare_batch(batch, &self.blobs).await?;
                let mut tx = self.pool.begin().await?;
                let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM repositories WHERE id = $1")
                    .bind(repository_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err($crate::error::StoreError::not_found(format!("repository {repository_id}")));
                }
                let stored_at = chrono::Utc::now().timestamp();
                let mut results = Vec::with_capacity(prepared.len());
                let mut stored = 0usize;
                for item in &prepared {
                    let commit = &item.commit;
                    let inserted: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO commits (repository_id, hash, author_name, author_email, author_time, \
                         author_tz_offset, committer_name, committer_email, committer_time, committer_tz_offset, \
                         message, pusher, commit_count, total_additions, total_deletions, files_changed, \
                         parent_count, stored_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
                         ON CONFLICT (repository_id, hash) DO NOTHING RETURNING id",
                    )
                    .bind(repository_id)
                    .bind(&commit.hash)
                    .bind(&commit.author.name)
                    .bind(&commit.author.email)
                    .bind(commit.author.time)
                    .bind(commit.author.tz_offset_minutes)
                    .bind(&commit.committer.name)
                    .bind(&commit.committer.email)
                    .bind(commit.committer.time)
                    .bind(commit.committer.tz_offset_minutes)
                    .bind(&commit.message)
                    .bind(&commit.pusher)
                    .bind(commit.commit_count)
                    .bind(item.totals.total_additions)
                    .bind(item.totals.total_deletions)
                    .bind(item.totals.files_changed)
                    .bind(commit.parents.len() as i64)
                    .bind(stored_at)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((commit_id,)) = inserted else {
                        let (existing,): (i64,) =
                            sqlx::query_as("SELECT id FROM commits WHERE repository_id = $1 AND hash = $2")
                                .bind(repository_id)
                                .bind(&commit.hash)
                                .fetch_one(&mut *tx)
                                .await?;
                        results.push(StorageResult {
                            success: true,
                            status: StorageStatus::Duplicate,
                            hash: commit.hash.clone(),
                            commit_id: Some(existing),
                            message: format!("commit {} is already stored; nothing was written", commit.hash),
                            timestamp: $crate::store::now_rfc3339(),
                            metadata: item.totals,
                            error_code: None,
                        });
                        continue;
                    };
                    for (position, parent) in commit.parents.iter().enumerate() {
                        sqlx::query("INSERT INTO commit_parents (commit_id, position, parent_hash) VALUES ($1, $2, $3)")
                            .bind(commit_id)
                            .bind(position as i64)
                            .bind(parent)
                            .execute(&mut *tx)
                            .await?;
                    }
                    for (position, (change, diff)) in item.changes.iter().enumerate() {
                        let diff_blob_id = match diff {
                            Some(diff) => Some(store_diff(&mut *tx, diff).await?),
                            None => None,
                        };
                        sqlx::query(
                            "INSERT INTO file_changes (commit_id, position, path, old_path, change_kind, is_binary, \
                             additions, deletions, diff_blob_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(commit_id)
                        .bind(position as i64)
                        .bind(&change.path)
                        .bind(&change.old_path)
                        .bind(change.kind.as_str())
                        .bind(change.is_binary)
                        .bind(change.additions)
                        .bind(change.deletions)
                        .bind(diff_blob_id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    stored += 1;
                    results.push(StorageResult {
                        success: true,
                        status: StorageStatus::Stored,
                        hash: commit.hash.clone(),
                        commit_id: Some(commit_id),
                        message: format!("stored commit {} with {} file changes", commit.hash, item.changes.len()),
                        timestamp: $crate::store::now_rfc3339(),
                        metadata: item.totals,
                        error_code: None,
                    });
                }
                if stored > 0 {
                    let detail = match results.as_slice() {
                        [only] => only.hash.clone(),
                        _ => format!("{stored} commits"),
                    };
                    audit(&mut *tx, "commit.store", "repository", Some(&repository_id.to_string()), Some(&detail))
                        .await?;
                }
                tx.commit().await?;
                Ok(results)
            }

            async fn get_commit_by_hash(
                &self,
                repository_id: Option<i64>,
                hash: &str,
            ) -> $crate::error::Result<$crate::model::CommitWithChanges> {
                use $crate::error::StoreError;
                let prefix = $crate::validate::hash_prefix("hash", hash)?;
                let (low, high) = $crate::sql::prefix_range(&prefix);
                let sql = format!(
                    "SELECT {} FROM commits c WHERE c.hash >= $1 AND c.hash < $2 \
                     AND ($3 IS NULL OR c.repository_id = $3) ORDER BY c.hash, c.repository_id LIMIT 11",
                    $crate::sql::COMMIT_COLUMNS
                );
                let mut rows: Vec<$crate::sql::CommitRow> = sqlx::query_as(&sql)
                    .bind(&low)
                    .bind(&high)
                    .bind(repository_id)
                    .fetch_all(&self.pool)
                    .await?;
                if rows.is_empty() {
                    return Err(StoreError::not_found(format!("commit {prefix}")));
                }
                if rows.len() > 1 {
                    let same_hash = rows.iter().all(|r| r.hash() == rows[0].hash());
                    let candidates = rows
                        .iter()
                        .take(10)
                        .map(|r| {
                            if same_hash {
                                format!("{} in repository {}", r.hash(), r.repository_id())
                            } else {
                                r.hash().to_string()
                            }
                        })
                        .collect();
                    return Err(StoreError::AmbiguousPrefix { prefix, candidates });
                }
                let row = rows.pop().expect("one row");
                let commit_id = row.id();
                let parents = self.parents_of(commit_id).await?;
                let commit = row.into_commit(parents);
                let sql = format!("{} WHERE fc.commit_id = $1 ORDER BY fc.position", $crate::sql::FILE_CHANGE_SELECT);
                let change_rows: Vec<$crate::sql::FileChangeRow> =
                    sqlx::query_as(&sql).bind(commit_id).fetch_all(&self.pool).await?;
                let mut changes = Vec::with_capacity(change_rows.len());
                for change in change_rows {
                    changes.push(change.into_file_change(&self.blobs).await?);
                }
                Ok($crate::model::CommitWithChanges { commit, changes })
            }

            async fn recent_commits(
                &self,
                repository_id: i64,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::model::Commit>> {
                let limit = i64::from(limit.min($crate::store::MAX_PAGE));
                let sql = format!(
                    "SELECT {} FROM commits c WHERE c.repository_id = $1 \
                     ORDER BY c.committer_time DESC, c.id DESC LIMIT $2",
                    $crate::sql::COMMIT_COLUMNS
                );
                let rows: Vec<$crate::sql::CommitRow> =
                    sqlx::query_as(&sql).bind(repository_id).bind(limit).fetch_all(&self.pool).await?;
                let parent_rows: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT p.commit_id, p.parent_hash FROM commit_parents p JOIN \
                     (SELECT id FROM commits WHERE repository_id = $1 ORDER BY committer_time DESC, id DESC LIMIT $2) r \
                     ON r.id = p.commit_id ORDER BY p.commit_id, p.position",
                )
                .bind(repository_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                let mut parents: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
                for (commit_id, parent) in parent_rows {
                    parents.entry(commit_id).or_default().push(parent);
                }
                Ok(rows
                    .into_iter()
                    .map(|row| {
                        let own = parents.remove(&row.id()).unwrap_or_default();
                        row.into_commit(own)
                    })
                    .collect())
            }

            async fn diff_bytes(&self, file_change_id: i64) -> $crate::error::Result<Option<Vec<u8>>> {
                let sql = format!("{} WHERE fc.id = $1", $crate::sql::FILE_CHANGE_SELECT);
                let row: Option<$crate::sql::FileChangeRow> =
                    sqlx::query_as(&sql).bind(file_change_id).fetch_optional(&self.pool).await?;
                match row {
                    Some(row) => row.diff_bytes(&self.blobs).await,
                    None => Err($crate::error::StoreError::not_found(format!("file change {file_change_id}"))),
                }
            }

            async fn audit_log(&self, limit: u32) -> $crate::error::Result<Vec<$crate::model::AuditEntry>> {
                let rows: Vec<(i64, i64, String, String, Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT id, at, action, entity, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                )
                .bind(i64::from(limit.min($crate::store::MAX_PAGE)))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, at, action, entity, entity_id, detail)| $crate::model::AuditEntry {
                        id,
                        at,
                        action,
                        entity,
                        entity_id,
                        detail,
                    })
                    .collect())
            }

            async fn migrations(&self) -> $crate::error::Result<Vec<$crate::model::MigrationState>> {
                let applied = applied_versions(&self.pool).await?;
                Ok($crate::schema::states(self.migrator, &applied))
            }

            async fn migrate(&self) -> $crate::error::Result<Vec<i64>> {
                let before = applied_versions(&self.pool).await?;
                $crate::schema::refuse_newer(self.migrator, &before)?;
                self.migrator.run(&self.pool).await?;
                let after = applied_versions(&self.pool).await?;
                Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
            }

            async fn close(&self) {
                self.pool.close().await;
            }
        }

        impl $store {
            async fn parents_of(&self, commit_id: i64) -> $crate::error::Result<Vec<String>> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT parent_hash FROM commit_parents WHERE commit_id = $1 ORDER BY position")
                        .bind(commit_id)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(hash,)| hash).collect())
            }
        }

        /// Returns the id of the diff blob with this content, inserting it when new.
        async fn store_diff(
            conn: &mut <$db as sqlx::Database>::Connection,
            diff: &$crate::blob::PreparedDiff,
        ) -> $crate::error::Result<i64> {
            let (storage, compressed) = if diff.inline {
                ("inline", Some(diff.compressed.as_slice()))
            } else {
                ("external", None)
            };
            let inserted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO diff_blobs (sha256, size, storage, compressed) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (sha256) DO NOTHING RETURNING id",
            )
            .bind(&diff.sha256)
            .bind(diff.size)
            .bind(storage)
            .bind(compressed)
            .fetch_optional(&mut *conn)
            .await?;
            match inserted {
                Some((id,)) => Ok(id),
                None => {
                    let (id,): (i64,) = sqlx::query_as("SELECT id FROM diff_blobs WHERE sha256 = $1")
                        .bind(&diff.sha256)
                        .fetch_one(&mut *conn)
                        .await?;
                    Ok(id)
                }
            }
        }

        async fn audit(
            conn: &mut <$db as sqlx::Database>::Connection,
            action: &str,
            entity: &str,
            entity_id: Option<&str>,
            detail: Option<&str>,
        ) -> $crate::error::Result<()> {
            sqlx::query("INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(chrono::Utc::now().timestamp())
                .bind(action)
                .bind(entity)
                .bind(entity_id)
                .bind(detail)
                .execute(&mut *conn)
                .await?;
            Ok(())
        }
    };
}

pub(crate) use impl_sql_store;

#[cfg(test)]
mod tests {
    use super::prefix_range;

    #[test]
    fn prefix_range_brackets_exactly_the_prefix() {
        let (low, high) = prefix_range("abc");
        for inside in ["abc", "abc0", "abcf", "abcfffffff"] {
            assert!(inside >= low.as_str() && inside < high.as_str(), "{inside}");
        }
        for outside in ["abb", "abd0", "ab"] {
            assert!(!(outside >= low.as_str() && outside < high.as_str()), "{outside}");
        }
    }
}
