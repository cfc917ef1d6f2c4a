//! Reading what is stored by key: repositories, a commit by hash or prefix, parents, diffs, refs,
//! and whole commits for export.

/// The range `[prefix, prefix + "g")` holds exactly the lower-case hex strings starting with
/// `prefix`, and is an index range scan on both backends.
pub(crate) fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}g"))
}

/// Instantiates the shared `Store` implementation for a backend struct with fields
/// Instantiates the lookups for a `Dialect`.
macro_rules! sql_lookups {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;
            type Db = <$store as Dialect>::Db;

            impl $store {
                async fn repository_by_name(&self, name: &str) -> $crate::error::Result<$crate::model::Repository> {
                    let sql = format!("{} WHERE r.name = $1", $crate::sql::rows::REPOSITORY_SELECT);
                    let row: Option<$crate::sql::rows::RepositoryRow> =
                        sqlx::query_as(&sql).bind(name).fetch_optional(self.pool()).await?;
                    row.map(Into::into)
                        .ok_or_else(|| $crate::error::StoreError::not_found(format!("repository {name:?}")))
                }

                async fn repositories(&self) -> $crate::error::Result<Vec<$crate::model::Repository>> {
                    let sql = format!("{} ORDER BY r.name", $crate::sql::rows::REPOSITORY_SELECT);
                    let rows: Vec<$crate::sql::rows::RepositoryRow> =
                        sqlx::query_as(&sql).fetch_all(self.pool()).await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                /// A commit by full hash or unique prefix with its file changes; the diff texts only
                /// when `with_diffs` (the app loads them per file, so a huge diff costs nothing until opened).
                async fn commit_by_hash(
                    &self,
                    repository_id: Option<i64>,
                    hash: &str,
                    with_diffs: bool,
                ) -> $crate::error::Result<$crate::model::CommitWithChanges> {
                    use $crate::error::StoreError;
                    let prefix = $crate::validate::hash_prefix("hash", hash)?;
                    let (low, high) = $crate::sql::lookups::prefix_range(&prefix);
                    let sql = format!(
                        "SELECT {} FROM commits c WHERE c.hash >= $1 AND c.hash < $2 \
                         AND ($3 IS NULL OR c.repository_id = $3) ORDER BY c.hash, c.repository_id LIMIT 11",
                        $crate::sql::rows::COMMIT_COLUMNS
                    );
                    let mut rows: Vec<$crate::sql::rows::CommitRow> =
                        sqlx::query_as(&sql).bind(&low).bind(&high).bind(repository_id).fetch_all(self.pool()).await?;
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
                    let sql = format!(
                        "{} WHERE fc.commit_id = $1 ORDER BY fc.position",
                        $crate::sql::rows::FILE_CHANGE_SELECT
                    );
                    let change_rows: Vec<$crate::sql::rows::FileChangeRow> =
                        sqlx::query_as(&sql).bind(commit_id).fetch_all(self.pool()).await?;
                    let mut changes = Vec::with_capacity(change_rows.len());
                    for change in change_rows {
                        changes.push(change.into_file_change(self.blobs(), with_diffs).await?);
                    }
                    Ok($crate::model::CommitWithChanges { commit, changes })
                }

                /// Parents of many commits in one query, by commit id, in order.
                async fn parents_of_many(
                    &self,
                    ids: &[i64],
                ) -> $crate::error::Result<std::collections::HashMap<i64, Vec<String>>> {
                    let mut parents: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
                    for chunk in $crate::sql::batch::chunks_of(ids, 1) {
                        let mut qb = sqlx::QueryBuilder::<Db>::new(
                            "SELECT commit_id, parent_hash FROM commit_parents WHERE commit_id IN (",
                        );
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        qb.push(") ORDER BY commit_id, position");
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(self.pool()).await?;
                        for (commit_id, parent) in rows {
                            parents.entry(commit_id).or_default().push(parent);
                        }
                    }
                    Ok(parents)
                }

                async fn parents_of(&self, commit_id: i64) -> $crate::error::Result<Vec<String>> {
                    let rows: Vec<(String,)> =
                        sqlx::query_as("SELECT parent_hash FROM commit_parents WHERE commit_id = $1 ORDER BY position")
                            .bind(commit_id)
                            .fetch_all(self.pool())
                            .await?;
                    Ok(rows.into_iter().map(|(hash,)| hash).collect())
                }

                async fn diff_bytes(&self, file_change_id: i64) -> $crate::error::Result<Option<Vec<u8>>> {
                    let sql = format!("{} WHERE fc.id = $1", $crate::sql::rows::FILE_CHANGE_SELECT);
                    let row: Option<$crate::sql::rows::FileChangeRow> =
                        sqlx::query_as(&sql).bind(file_change_id).fetch_optional(self.pool()).await?;
                    match row {
                        Some(row) => row.diff_bytes(self.blobs()).await,
                        None => Err($crate::error::StoreError::not_found(format!("file change {file_change_id}"))),
                    }
                }

                async fn commit_hashes(
                    &self,
                    repository_id: i64,
                ) -> $crate::error::Result<std::collections::HashSet<String>> {
                    // One joined value instead of a row per commit: this runs before every sync
                    // that has something new (88 → 35 ms on 100k commits).
                    let sql = format!(
                        "SELECT {}(hash, ',') FROM commits WHERE repository_id = $1",
                        <Self as $crate::sql::Dialect>::JOIN_TEXT
                    );
                    let (joined,): (Option<String>,) =
                        sqlx::query_as(&sql).bind(repository_id).fetch_one(self.pool()).await?;
                    Ok(joined.as_deref().unwrap_or("").split(',').filter(|hash| !hash.is_empty()).map(str::to_owned).collect())
                }

                async fn unstored_parents(
                    &self,
                    repository_id: i64,
                    stored_since: i64,
                ) -> $crate::error::Result<Vec<String>> {
                    // CROSS JOIN: SQLite filters the commits by time first instead of checking every
                    // parent row of the store (60 → 40 ms on 100k commits).
                    let rows: Vec<(String,)> = sqlx::query_as(
                        "SELECT DISTINCT p.parent_hash FROM commits c CROSS JOIN commit_parents p \
                         WHERE p.commit_id = c.id AND c.repository_id = $1 AND c.stored_at >= $2 AND NOT EXISTS \
                         (SELECT 1 FROM commits k WHERE k.repository_id = c.repository_id AND k.hash = p.parent_hash) \
                         ORDER BY p.parent_hash",
                    )
                    .bind(repository_id)
                    .bind(stored_since)
                    .fetch_all(self.pool())
                    .await?;
                    Ok(rows.into_iter().map(|(hash,)| hash).collect())
                }

                async fn refs(&self, repository_id: i64) -> $crate::error::Result<Vec<$crate::model::GitRef>> {
                    let rows: Vec<(String, String, String)> = sqlx::query_as(
                        "SELECT name, kind, target_hash FROM refs WHERE repository_id = $1 ORDER BY name",
                    )
                    .bind(repository_id)
                    .fetch_all(self.pool())
                    .await?;
                    rows.into_iter()
                        .map(|(name, kind, target)| {
                            let kind = $crate::model::RefKind::parse(&kind).ok_or_else(|| {
                                $crate::error::StoreError::Query(format!("unknown ref kind {kind:?}"))
                            })?;
                            Ok($crate::model::GitRef { name, kind, target })
                        })
                        .collect()
                }

                async fn stored_commits(&self, ids: &[i64]) -> $crate::error::Result<Vec<$crate::model::StoredCommit>> {
                    use std::collections::HashMap;
                    let mut rows: HashMap<i64, $crate::sql::rows::StoredCommitRow> = HashMap::new();
                    let mut changes: HashMap<i64, Vec<$crate::model::NewFileChange>> = HashMap::new();
                    for chunk in $crate::sql::batch::chunks_of(ids, 1) {
                        let mut qb = sqlx::QueryBuilder::<Db>::new(format!(
                            "SELECT {}, c.message_bytes, r.name AS repository FROM commits c \
                             JOIN repositories r ON r.id = c.repository_id WHERE c.id IN (",
                            $crate::sql::rows::COMMIT_COLUMNS
                        ));
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        qb.push(")");
                        let found: Vec<$crate::sql::rows::StoredCommitRow> =
                            qb.build_query_as().fetch_all(self.pool()).await?;
                        rows.extend(found.into_iter().map(|row| (row.commit.id(), row)));

                        // FILE_CHANGE_SELECT ends with its FROM clause: put the extra columns before it.
                        let select = $crate::sql::rows::FILE_CHANGE_SELECT.replacen(
                            " FROM file_changes",
                            ", fc.commit_id, fc.path_bytes, fc.old_path_bytes FROM file_changes",
                            1,
                        );
                        let mut qb = sqlx::QueryBuilder::<Db>::new(format!("{select} WHERE fc.commit_id IN ("));
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        qb.push(") ORDER BY fc.commit_id, fc.position");
                        let found: Vec<$crate::sql::rows::StoredChangeRow> =
                            qb.build_query_as().fetch_all(self.pool()).await?;
                        for row in found {
                            let commit_id = row.commit_id;
                            changes.entry(commit_id).or_default().push(row.into_new_change(self.blobs()).await?);
                        }
                    }
                    let mut parents = self.parents_of_many(ids).await?;
                    ids.iter()
                        .map(|id| {
                            let row = rows
                                .remove(id)
                                .ok_or_else(|| $crate::error::StoreError::not_found(format!("commit {id}")))?;
                            Ok(row.into_stored(
                                parents.remove(id).unwrap_or_default(),
                                changes.remove(id).unwrap_or_default(),
                            ))
                        })
                        .collect()
                }
            }
        };
    };
}

pub(crate) use sql_lookups;

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
