//! Commit queries (a compiled filter, a page at a time, with its count), the newest commits, and
//! saved queries.

use crate::error::{Result, StoreError};

pub(crate) fn saved_query_from_row(row: (i64, String, String, i64, i64)) -> Result<crate::query::SavedQuery> {
    let (id, name, filter, created_at, updated_at) = row;
    let filter = serde_json::from_str(&filter)
        .map_err(|e| StoreError::Query(format!("saved query {name:?} holds an unreadable filter: {e}")))?;
    Ok(crate::query::SavedQuery { id, name, filter, created_at, updated_at })
}

/// Instantiates the commit and saved queries for a `Dialect`.
macro_rules! sql_queries {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;
            impl $store {
                /// Puts the candidates of the change index into the compiled query's binds.
                async fn look_up_changes(&self, compiled: &mut $crate::query::CompiledQuery) -> $crate::error::Result<()> {
                    if compiled.change_lookups.is_empty() {
                        return Ok(());
                    }
                    let mut conn = self.pool().acquire().await?;
                    for lookup in &compiled.change_lookups {
                        let ids = <Self as Dialect>::change_candidates(&mut *conn, &lookup.text, &lookup.columns).await?;
                        compiled.binds[lookup.bind] = $crate::query::Bind::Text(ids);
                    }
                    Ok(())
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
                        $crate::sql::rows::COMMIT_COLUMNS
                    );
                    let rows: Vec<$crate::sql::rows::CommitRow> =
                        sqlx::query_as(&sql).bind(repository_id).bind(limit).fetch_all(self.pool()).await?;
                    let ids: Vec<i64> = rows.iter().map(|r| r.id()).collect();
                    let mut parents = self.parents_of_many(&ids).await?;
                    Ok(rows
                        .into_iter()
                        .map(|row| {
                            let own = parents.remove(&row.id()).unwrap_or_default();
                            row.into_commit(own)
                        })
                        .collect())
                }

                async fn query_commits(
                    &self,
                    query: &$crate::query::CommitQuery,
                ) -> $crate::error::Result<$crate::query::CommitPage> {
                    use $crate::query::Bind;
                    let mut compiled = $crate::query::compile::compile(query, self.store_info().backend)?;
                    self.ensure_reach(&compiled.branches).await?;
                    self.look_up_changes(&mut compiled).await?;
                    let from = $crate::sql::rows::COMMITS_FROM;
                    let n = compiled.binds.len();
                    let sort_key = if compiled.sort_is_rank { compiled.sort_sql.as_str() } else { "CAST(NULL AS BIGINT)" };
                    let sql = format!(
                        "SELECT {}, {sort_key} AS sort_key {from} {} WHERE {} AND {} ORDER BY {} LIMIT ${} OFFSET ${}",
                        $crate::sql::rows::COMMIT_COLUMNS,
                        compiled.join_sql,
                        compiled.filter_sql,
                        compiled.cursor_sql,
                        compiled.order_sql,
                        n + 1,
                        n + 2
                    );
                    let page = $crate::sql::bind_all!(sqlx::query_as::<_, $crate::sql::rows::CommitRow>(&sql), &compiled.binds);
                    let count_sql = format!(
                        "SELECT COUNT(*) FROM (SELECT 1 {from} WHERE {} LIMIT {}) capped",
                        compiled.filter_sql,
                        $crate::query::model::COUNT_CAP + 1
                    );
                    let count = $crate::sql::bind_all!(sqlx::query_as::<_, (i64,)>(&count_sql), &compiled.binds[..compiled.filter_binds]);
                    // The page and the (capped) count run at once on two pooled connections: a page
                    // costs the slower of the two, not their sum. One row more than asked tells whether
                    // another page follows.
                    let page = page.bind(compiled.limit + 1).bind(compiled.offset).fetch_all(self.pool());
                    let (rows, counted) = futures::future::join(page, count.fetch_one(self.pool())).await;
                    let (mut rows, (counted,)) = (rows?, counted?);
                    let more = rows.len() as i64 > compiled.limit;
                    rows.truncate(compiled.limit as usize);
                    let total_is_lower_bound = counted > $crate::query::model::COUNT_CAP;
                    let total = counted.min($crate::query::model::COUNT_CAP);

                    let ids: Vec<i64> = rows.iter().map(|r| r.id()).collect();
                    let last_sort_key = rows.last().and_then(|r| r.sort_key);
                    let mut parents = self.parents_of_many(&ids).await?;
                    let commits: Vec<$crate::model::Commit> = rows
                        .into_iter()
                        .map(|row| {
                            let own = parents.remove(&row.id()).unwrap_or_default();
                            row.into_commit(own)
                        })
                        .collect();
                    let next_cursor = match commits.last() {
                        Some(last) if more => {
                            let value = if compiled.sort_is_rank {
                                Bind::Int(last_sort_key.unwrap_or(0))
                            } else {
                                $crate::query::sort_value(query.options.sort_by.as_deref(), last)
                            };
                            Some($crate::query::compile::encode_cursor(&value, &last.hash, last.id))
                        }
                        _ => None,
                    };
                    let snippets = if compiled.search_terms.is_empty() {
                        Vec::new()
                    } else {
                        commits
                            .iter()
                            .map(|c| $crate::query::Snippet {
                                commit_id: c.id,
                                parts: $crate::query::snippet::snippet(&c.message, &compiled.search_terms),
                            })
                            .filter(|s| !s.parts.is_empty())
                            .collect()
                    };
                    Ok($crate::query::CommitPage { commits, total, total_is_lower_bound, next_cursor, snippets })
                }

                async fn count_commits(&self, query: &$crate::query::CommitQuery) -> $crate::error::Result<i64> {
                    let mut compiled = $crate::query::compile::compile(query, self.store_info().backend)?;
                    self.ensure_reach(&compiled.branches).await?;
                    self.look_up_changes(&mut compiled).await?;
                    let sql = format!("SELECT COUNT(*) {} WHERE {}", $crate::sql::rows::COMMITS_FROM, compiled.filter_sql);
                    let count = $crate::sql::bind_all!(sqlx::query_as::<_, (i64,)>(&sql), &compiled.binds[..compiled.filter_binds]);
                    Ok(count.fetch_one(self.pool()).await?.0)
                }

                async fn save_query(
                    &self,
                    name: &str,
                    filter: &$crate::query::Filter,
                ) -> $crate::error::Result<$crate::query::SavedQuery> {
                    $crate::validate::non_empty_text("name", name)?;
                    let check = $crate::query::CommitQuery { filter: Some(filter.clone()), ..Default::default() };
                    $crate::query::compile::compile(&check, self.store_info().backend)?;
                    let json = serde_json::to_string(filter).expect("filters serialise");
                    let now = chrono::Utc::now().timestamp();
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    sqlx::query(
                        // A new saved query belongs to the first workspace the connection sees (the
                        // `default` one for the owner; a team member's first granted workspace).
                        "INSERT INTO saved_queries (name, filter, created_at, updated_at, workspace_id) \
                         VALUES ($1, $2, $3, $3, (SELECT MIN(id) FROM workspaces)) \
                         ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at",
                    )
                    .bind(name)
                    .bind(&json)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::SAVED_QUERIES, None::<&str>, None::<i64>, "")?;
                    tx.commit().await?;
                    self.saved_query(name).await
                }

                async fn saved_queries(&self) -> $crate::error::Result<Vec<$crate::query::SavedQuery>> {
                    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
                        "SELECT id, name, filter, created_at, updated_at FROM saved_queries ORDER BY name",
                    )
                    .fetch_all(self.pool())
                    .await?;
                    rows.into_iter().map($crate::sql::queries::saved_query_from_row).collect()
                }

                async fn rename_saved_query(
                    &self,
                    name: &str,
                    new_name: &str,
                ) -> $crate::error::Result<$crate::query::SavedQuery> {
                    $crate::validate::non_empty_text("new_name", new_name)?;
                    if name != new_name && self.saved_query(new_name).await.is_ok() {
                        return Err($crate::error::StoreError::Duplicate(format!("a saved query is already called {new_name:?}")));
                    }
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    let updated = sqlx::query("UPDATE saved_queries SET name = $1, updated_at = $2 WHERE name = $3")
                        .bind(new_name)
                        .bind(chrono::Utc::now().timestamp())
                        .bind(name)
                        .execute(&mut *tx)
                        .await?;
                    if updated.rows_affected() == 0 {
                        return Err($crate::error::StoreError::not_found(format!("saved query {name:?}")));
                    }
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::SAVED_QUERIES, None::<&str>, None::<i64>, "")?;
                    tx.commit().await?;
                    self.saved_query(new_name).await
                }

                async fn delete_saved_query(&self, name: &str) -> $crate::error::Result<()> {
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    let deleted = sqlx::query("DELETE FROM saved_queries WHERE name = $1").bind(name).execute(&mut *tx).await?;
                    if deleted.rows_affected() == 0 {
                        return Err($crate::error::StoreError::not_found(format!("saved query {name:?}")));
                    }
                    $crate::mirror::enqueue!(tx, $crate::mirror::kind::SAVED_QUERIES, None::<&str>, None::<i64>, "")?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn saved_query(&self, name: &str) -> $crate::error::Result<$crate::query::SavedQuery> {
                    let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
                        "SELECT id, name, filter, created_at, updated_at FROM saved_queries WHERE name = $1",
                    )
                    .bind(name)
                    .fetch_optional(self.pool())
                    .await?;
                    let row = row.ok_or_else(|| $crate::error::StoreError::not_found(format!("saved query {name:?}")))?;
                    $crate::sql::queries::saved_query_from_row(row)
                }
            }
        };
    };
}

pub(crate) use sql_queries;
