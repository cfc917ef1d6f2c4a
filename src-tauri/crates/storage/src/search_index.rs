//! The search indexes' upkeep beyond what storing a commit writes: rebuilding them for stores made
//! by an older RepoVault (or copied between backends) and the per-repository switch for indexing
//! the lines commits change. The words and lines themselves are read in `search_text`.

use async_trait::async_trait;

use crate::error::Result;
use crate::model::Repository;

#[async_trait]
pub trait SearchIndex {
    /// Re-indexes every repository whose commits were indexed by an older version of the search
    /// index (`search_version`): their words and stems, and the lines they change when the
    /// repository indexes them; then indexes any commit still queued for the change index. Runs
    /// when a store opens after its migrations; returns how many commits were re-indexed (0, at
    /// once, when everything is current).
    async fn rebuild_search_index(&self) -> Result<u64>;

    /// Turns the change index (`change:`, `added:`, `removed:`) on or off for a repository. Off
    /// drops what is indexed and imports skip it; on indexes the commits already stored.
    async fn set_change_index(&self, repository: &str, enabled: bool) -> Result<Repository>;

    /// Commits whose changed lines are stored but not yet in the change index (SQLite builds it
    /// after an import; `change:` searches scan these meanwhile). Always 0 on PostgreSQL.
    async fn queued_changes(&self) -> Result<u64>;

    /// Adds up to `max_commits` queued commits to the change index in one transaction (fewer when
    /// their changed lines pass `max_bytes`, at least one) and returns how many it added (0 when
    /// nothing is queued). Safe to stop between calls: the rest stays queued.
    async fn index_queued_changes(&self, max_commits: u64, max_bytes: u64) -> Result<u64>;
}

/// Commits re-indexed per transaction.
pub(crate) const REINDEX_CHUNK: i64 = 500;

/// Instantiates `SearchIndex` for a store type implementing `Dialect`.
macro_rules! sql_search_index {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;

            impl $store {
                /// Indexes every commit queued for the change index (see `index_queued_changes`).
                async fn index_all_queued_changes(&self) -> $crate::error::Result<()> {
                    use $crate::search_index::SearchIndex;
                    while self.index_queued_changes($crate::search_index::REINDEX_CHUNK as u64, u64::MAX).await? > 0 {}
                    Ok(())
                }

                /// Re-indexes one repository's commits, in id order and chunks: the words when
                /// `words`, the changed lines when `changes`.
                async fn reindex_repository(&self, repository_id: i64, words: bool, changes: bool) -> $crate::error::Result<u64> {
                    use std::collections::BTreeMap;
                    let mut after = 0i64;
                    let mut done = 0u64;
                    loop {
                        let commits: Vec<(i64, String)> = sqlx::query_as(
                            "SELECT id, message FROM commits WHERE repository_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                        )
                        .bind(repository_id)
                        .bind(after)
                        .bind($crate::search_index::REINDEX_CHUNK)
                        .fetch_all(self.pool())
                        .await?;
                        let Some(last) = commits.last() else { break };
                        after = last.0;
                        let (low, high) = (commits[0].0, after);
                        let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                        if words {
                            let paths: Vec<(i64, String)> = sqlx::query_as(
                                "SELECT f.commit_id, f.path FROM file_changes f JOIN commits c ON c.id = f.commit_id \
                                 WHERE c.repository_id = $1 AND f.commit_id BETWEEN $2 AND $3 ORDER BY f.commit_id, f.position",
                            )
                            .bind(repository_id)
                            .bind(low)
                            .bind(high)
                            .fetch_all(&mut *tx)
                            .await?;
                            let mut by_commit: BTreeMap<i64, Vec<String>> = BTreeMap::new();
                            for (id, path) in paths {
                                by_commit.entry(id).or_default().push(path);
                            }
                            let rows: Vec<$crate::sql::SearchRow<'_>> = commits
                                .iter()
                                .map(|(id, message)| {
                                    let paths = by_commit.get(id).map(Vec::as_slice).unwrap_or_default();
                                    $crate::sql::SearchRow {
                                        id: *id,
                                        message: message.as_str(),
                                        paths: paths.join(" "),
                                        words: $crate::search_text::IndexedWords::of(message, paths.iter().map(String::as_str)),
                                    }
                                })
                                .collect();
                            <Self as Dialect>::refresh_search(&mut *tx, &rows, true).await?;
                        }
                        if changes {
                            let diffs: Vec<(i64, String, String, Option<Vec<u8>>)> = sqlx::query_as(
                                "SELECT f.commit_id, d.sha256, d.storage, d.compressed FROM file_changes f \
                                 JOIN commits c ON c.id = f.commit_id JOIN diff_blobs d ON d.id = f.diff_blob_id \
                                 WHERE c.repository_id = $1 AND f.commit_id BETWEEN $2 AND $3 AND NOT f.is_binary AND d.size <= $4 \
                                 ORDER BY f.commit_id, f.position",
                            )
                            .bind(repository_id)
                            .bind(low)
                            .bind(high)
                            .bind($crate::search_text::CHANGE_TEXT_FILE_LIMIT as i64)
                            .fetch_all(&mut *tx)
                            .await?;
                            let mut files: BTreeMap<i64, Vec<$crate::search_text::ChangeLines>> = BTreeMap::new();
                            for (id, sha256, storage, compressed) in diffs {
                                let compressed = match (storage.as_str(), compressed) {
                                    ("inline", Some(bytes)) => bytes,
                                    _ => self.blobs().get(&sha256).await?,
                                };
                                let text = $crate::blob::decode_diff(&sha256, &compressed)?;
                                if let Some(own) = $crate::search_text::ChangeLines::of_diff(&text) {
                                    files.entry(id).or_default().push(own);
                                }
                            }
                            let lines: Vec<(i64, $crate::search_text::ChangeLines)> = files
                                .into_iter()
                                .map(|(id, files)| (id, $crate::search_text::ChangeLines::merged(&files)))
                                .filter(|(_, l)| !l.is_empty())
                                .collect();
                            let rows: Vec<$crate::sql::ChangeRow<'_>> = lines.iter().map(|(id, l)| (*id, l, None)).collect();
                            Self::insert_change_text(&mut *tx, &rows).await?;
                        }
                        tx.commit().await?;
                        done += commits.len() as u64;
                    }
                    Ok(done)
                }
            }

            #[async_trait::async_trait]
            impl $crate::search_index::SearchIndex for $store {
                async fn rebuild_search_index(&self) -> $crate::error::Result<u64> {
                    let stale: Vec<(i64, String, bool)> = sqlx::query_as(
                        "SELECT id, name, index_changes FROM repositories WHERE search_version < $1 ORDER BY id",
                    )
                    .bind($crate::search_text::SEARCH_VERSION)
                    .fetch_all(self.pool())
                    .await?;
                    let mut total = 0;
                    for (id, name, index_changes) in stale {
                        let started = std::time::Instant::now();
                        let done = self.reindex_repository(id, true, index_changes).await?;
                        sqlx::query("UPDATE repositories SET search_version = $1 WHERE id = $2")
                            .bind($crate::search_text::SEARCH_VERSION as i32)
                            .bind(id)
                            .execute(self.pool())
                            .await?;
                        tracing::info!(repository = %name, commits = done, ms = started.elapsed().as_millis() as u64, "search index rebuilt");
                        total += done;
                    }
                    // Also what an interrupted import left queued, or a migration queued (20261202000001
                    // re-indexes every stored commit once).
                    if total > 0 || self.queued_changes().await? > 0 {
                        self.index_all_queued_changes().await?;
                    }
                    Ok(total)
                }

                async fn queued_changes(&self) -> $crate::error::Result<u64> {
                    let mut conn = self.pool().acquire().await?;
                    <Self as Dialect>::queued_changes(&mut *conn).await
                }

                async fn index_queued_changes(&self, max_commits: u64, max_bytes: u64) -> $crate::error::Result<u64> {
                    let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                    let (commits, bytes) = (max_commits.clamp(1, i64::MAX as u64) as i64, max_bytes.min(i64::MAX as u64) as i64);
                    let done = <Self as Dialect>::index_queued_changes(&mut *tx, commits, bytes).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn set_change_index(&self, repository: &str, enabled: bool) -> $crate::error::Result<$crate::model::Repository> {
                    let repo = self.repository_by_name(repository).await?;
                    if repo.index_changes != enabled {
                        let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                        sqlx::query("UPDATE repositories SET index_changes = $1 WHERE id = $2")
                            .bind(enabled)
                            .bind(repo.id)
                            .execute(&mut *tx)
                            .await?;
                        if !enabled {
                            sqlx::query("DELETE FROM change_text WHERE commit_id IN (SELECT id FROM commits WHERE repository_id = $1)")
                                .bind(repo.id)
                                .execute(&mut *tx)
                                .await?;
                            <Self as Dialect>::forget_changes(&mut *tx).await?;
                        }
                        let detail = if enabled { "on" } else { "off" };
                        Self::audit(&mut *tx, "repository.change_index", "repository", Some(&repo.id.to_string()), Some(detail)).await?;
                        tx.commit().await?;
                        if enabled {
                            self.reindex_repository(repo.id, false, true).await?;
                            self.index_all_queued_changes().await?;
                        }
                    }
                    self.repository_by_name(repository).await
                }
            }
        };
    };
}

pub(crate) use sql_search_index;
