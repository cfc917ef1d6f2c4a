//! What changes the store: repositories, commit batches, the refs a sync records, and the audit
//! log line each of them writes in its transaction.

/// Batches stored in one transaction (see [`crate::store::CommitLoad`]): the open transaction and
/// what each batch needs besides it.
pub(crate) struct SqlCommitLoad<S: crate::sql::Dialect> {
    pub tx: sqlx::Transaction<'static, S::Db>,
    pub blobs: crate::blob::BlobStore,
    pub repository_id: i64,
    /// The repository's change index switch, read when the load began.
    pub index_changes: bool,
}

/// The statement behind `audit`: at, action, entity, entity id, detail.
pub(crate) const AUDIT: &str =
    "INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5)";

/// Instantiates the writes for a `Dialect`.
macro_rules! sql_writes {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;
            type Db = <$store as Dialect>::Db;

            impl $store {
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
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    // Inserted only when the connection sees no workspace by that name: a team member's
                    // connection (row-level security) may not create workspaces, only use its own.
                    sqlx::query(
                        "INSERT INTO workspaces (name, created_at) SELECT $1, $2 \
                         WHERE NOT EXISTS (SELECT 1 FROM workspaces WHERE name = $1) ON CONFLICT (name) DO NOTHING",
                    )
                        .bind(workspace)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO repositories (workspace_id, name, path, created_at, search_version) \
                         SELECT id, $2, $3, $4, $5 FROM workspaces WHERE name = $1 RETURNING id",
                    )
                    .bind(workspace)
                    .bind(name)
                    .bind(path)
                    .bind(now)
                    .bind($crate::search_text::SEARCH_VERSION)
                    .fetch_one(&mut *tx)
                    .await?;
                    Self::audit(&mut *tx, "repository.create", "repository", Some(&id.to_string()), Some(name)).await?;
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::REPOSITORY, Some(name), None::<i64>, "")?;
                    tx.commit().await?;
                    self.repository_by_name(name).await
                }

                async fn delete_repository(&self, name: &str) -> $crate::error::Result<i64> {
                    let repository = self.repository_by_name(name).await?;
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    <Self as Dialect>::forget_search(&mut *tx, repository.id).await?;
                    sqlx::query("DELETE FROM repositories WHERE id = $1").bind(repository.id).execute(&mut *tx).await?;
                    <Self as Dialect>::forget_changes(&mut *tx).await?;
                    sqlx::query(
                        "DELETE FROM diff_blobs WHERE NOT EXISTS \
                         (SELECT 1 FROM file_changes f WHERE f.diff_blob_id = diff_blobs.id)",
                    )
                    .execute(&mut *tx)
                    .await?;
                    let detail = format!("{} ({} commits)", repository.name, repository.commit_count);
                    Self::audit(&mut *tx, "repository.delete", "repository", Some(&repository.id.to_string()), Some(&detail))
                        .await?;
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::REPOSITORY_REMOVED, Some(name), None::<i64>, "")?;
                    tx.commit().await?;
                    Ok(repository.commit_count)
                }

                async fn store_commits(
                    &self,
                    repository_id: i64,
                    batch: &[$crate::store::CommitBatchItem],
                ) -> $crate::error::Result<Vec<$crate::model::StorageResult>> {
                    // Diffs are prepared (large ones uploaded) before the write lock is taken.
                    let prepared = $crate::sql::batch::prepare_batch(batch, self.blobs()).await?;
                    let mut load = self.begin_commit_load(repository_id).await?;
                    let results = load.write(&prepared).await?;
                    load.tx.commit().await?;
                    Ok(results)
                }

                /// Begins a write transaction for storing batches into the repository.
                async fn begin_commit_load(
                    &self,
                    repository_id: i64,
                ) -> $crate::error::Result<$crate::sql::writes::SqlCommitLoad<$store>> {
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    let exists: Option<(bool,)> = sqlx::query_as("SELECT index_changes FROM repositories WHERE id = $1")
                        .bind(repository_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some((index_changes,)) = exists else {
                        return Err($crate::error::StoreError::not_found(format!("repository {repository_id}")));
                    };
                    Ok($crate::sql::writes::SqlCommitLoad { tx, blobs: self.blobs().clone(), repository_id, index_changes })
                }
            }

            impl $crate::sql::writes::SqlCommitLoad<$store> {
                /// Writes a prepared batch in the load's transaction, with its audit line and mirror
                /// outbox entry.
                async fn write(
                    &mut self,
                    prepared: &[$crate::sql::batch::PreparedCommit<'_>],
                ) -> $crate::error::Result<Vec<$crate::model::StorageResult>> {
                    let started = std::time::Instant::now();
                    let repository_id = self.repository_id;
                    let results = <$store>::insert_batch(&mut *self.tx, repository_id, prepared, self.index_changes).await?;
                    let stored: Vec<&$crate::model::StorageResult> =
                        results.iter().filter(|r| r.status == $crate::model::StorageStatus::Stored).collect();
                    if !stored.is_empty() {
                        let detail = match stored.as_slice() {
                            [only] => only.hash.clone(),
                            _ => format!("{} commits", stored.len()),
                        };
                        <$store>::audit(&mut *self.tx, "commit.store", "repository", Some(&repository_id.to_string()), Some(&detail))
                            .await?;
                        // The outbox holds the new commits' ids only; the drainer reads the rows.
                        let ids: Vec<i64> = stored.iter().filter_map(|r| r.commit_id).collect();
                        let payload = serde_json::to_string(&ids).expect("ids serialise");
                        $crate::mirror::enqueue!(self.tx, $crate::mirror::kind::COMMITS, None::<&str>, Some(repository_id), payload)?;
                    }
                    // Where a batch's time goes, for profiling imports.
                    tracing::debug!(commits = prepared.len(), written_in = ?started.elapsed(), "batch written");
                    Ok(results)
                }
            }

            #[async_trait::async_trait]
            impl $crate::store::CommitLoad for $crate::sql::writes::SqlCommitLoad<$store> {
                async fn store(
                    &mut self,
                    batch: &[$crate::store::CommitBatchItem],
                ) -> $crate::error::Result<Vec<$crate::model::StorageResult>> {
                    let prepared = $crate::sql::batch::prepare_batch(batch, &self.blobs).await?;
                    self.write(&prepared).await
                }

                async fn commit(self: Box<Self>) -> $crate::error::Result<()> {
                    let started = std::time::Instant::now();
                    self.tx.commit().await?;
                    tracing::debug!(committed_in = ?started.elapsed(), "load committed");
                    Ok(())
                }
            }

            impl $store {
                async fn finish_sync(
                    &self,
                    repository_id: i64,
                    refs: &[$crate::model::GitRef],
                    is_shallow: bool,
                ) -> $crate::error::Result<()> {
                    for (i, r) in refs.iter().enumerate() {
                        $crate::validate::non_empty_text(&format!("refs[{i}].name"), &r.name)?;
                        $crate::validate::full_hash(&format!("refs[{i}].target"), &r.target)?;
                    }
                    let now = chrono::Utc::now().timestamp();
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    let updated = sqlx::query("UPDATE repositories SET last_synced_at = $1, is_shallow = $2 WHERE id = $3")
                        .bind(now)
                        .bind(is_shallow)
                        .bind(repository_id)
                        .execute(&mut *tx)
                        .await?;
                    if updated.rows_affected() == 0 {
                        return Err($crate::error::StoreError::not_found(format!("repository {repository_id}")));
                    }
                    // Refs are updated in place, not replaced, so the reachable commits computed for a
                    // ref that did not move stay valid (see `ensure_reach`). Only refs that are new,
                    // moved or gone are written: a sync of one commit into a repository with 1,293
                    // refs spent 95 ms rewriting all of them.
                    let stored: Vec<(String, String, String)> =
                        sqlx::query_as("SELECT name, kind, target_hash FROM refs WHERE repository_id = $1")
                            .bind(repository_id)
                            .fetch_all(&mut *tx)
                            .await?;
                    let current: std::collections::HashSet<&str> = refs.iter().map(|r| r.name.as_str()).collect();
                    for (gone, _, _) in stored.iter().filter(|(name, _, _)| !current.contains(name.as_str())) {
                        sqlx::query("DELETE FROM refs WHERE repository_id = $1 AND name = $2")
                            .bind(repository_id)
                            .bind(gone)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let unchanged: std::collections::HashSet<(&str, &str, &str)> =
                        stored.iter().map(|(name, kind, target)| (name.as_str(), kind.as_str(), target.as_str())).collect();
                    for r in refs {
                        let target = r.target.to_ascii_lowercase();
                        if unchanged.contains(&(r.name.as_str(), r.kind.as_str(), target.as_str())) {
                            continue;
                        }
                        sqlx::query(
                            "INSERT INTO refs (repository_id, name, kind, target_hash, updated_at) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (repository_id, name) DO UPDATE SET kind = excluded.kind, \
                             target_hash = excluded.target_hash, updated_at = excluded.updated_at",
                        )
                        .bind(repository_id)
                        .bind(&r.name)
                        .bind(r.kind.as_str())
                        .bind(target)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Self::audit(&mut *tx, "repository.sync", "repository", Some(&repository_id.to_string()), Some(&format!("{} refs", refs.len())))
                        .await?;
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::REFS, None::<&str>, Some(repository_id), "")?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn audit(
                    conn: &mut <Db as sqlx::Database>::Connection,
                    action: &str,
                    entity: &str,
                    entity_id: Option<&str>,
                    detail: Option<&str>,
                ) -> $crate::error::Result<()> {
                    sqlx::query($crate::sql::writes::AUDIT)
                        .bind(chrono::Utc::now().timestamp())
                        .bind(action)
                        .bind(entity)
                        .bind(entity_id)
                        .bind(detail)
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use sql_writes;
