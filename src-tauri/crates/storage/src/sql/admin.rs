//! The store's life and housekeeping: assembling it around an open pool, migrations, `ANALYZE`,
//! the audit log, closing.

/// Instantiates the constructor and housekeeping for a `Dialect` whose struct has the fields
/// `pool`, `blobs`, `info` and `migrator` (only `assemble` names them).
macro_rules! sql_admin {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;
            type Db = <$store as Dialect>::Db;

            impl $store {
                /// The store around an open pool: migrated when asked, with its schema version noted.
                async fn assemble(
                    pool: sqlx::Pool<Db>,
                    blobs: $crate::blob::BlobStore,
                    migrator: &'static sqlx::migrate::Migrator,
                    backend: $crate::model::Backend,
                    location: String,
                    apply_migrations: bool,
                ) -> $crate::error::Result<Self> {
                    let blob_store = blobs.description().to_string();
                    let info = $crate::model::StoreInfo { backend, location, schema_version: 0, blob_store };
                    let mut store = Self { pool, blobs, info, migrator };
                    if apply_migrations {
                        $crate::store::Store::migrate(&store).await?;
                        // Stores indexed by an older build (or copied between backends) get their
                        // search index rebuilt once, here: stems and changed lines are computed in Rust.
                        $crate::search_index::SearchIndex::rebuild_search_index(&store).await?;
                    }
                    store.info.schema_version =
                        <Self as Dialect>::applied_versions(store.pool()).await?.into_iter().max().unwrap_or(0);
                    Ok(store)
                }

                async fn analyze(&self) -> $crate::error::Result<()> {
                    let mut conn = self.pool().acquire().await?;
                    for statement in <Self as $crate::sql::Dialect>::ANALYZE {
                        sqlx::query(statement).execute(&mut *conn).await?;
                    }
                    Ok(())
                }

                async fn audit_log(&self, limit: u32) -> $crate::error::Result<Vec<$crate::model::AuditEntry>> {
                    let rows: Vec<(i64, i64, String, String, Option<String>, Option<String>)> = sqlx::query_as(
                        "SELECT id, at, action, entity, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                    )
                    .bind(i64::from(limit.min($crate::store::MAX_PAGE)))
                    .fetch_all(self.pool())
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
                    let applied = <Self as Dialect>::applied_versions(self.pool()).await?;
                    Ok($crate::schema::states(self.migrator(), &applied))
                }

                async fn migrate(&self) -> $crate::error::Result<Vec<i64>> {
                    let before = <Self as Dialect>::applied_versions(self.pool()).await?;
                    $crate::schema::refuse_newer(self.migrator(), &before)?;
                    // Nothing to apply: sqlx's run is not even started. It takes a session-level
                    // advisory lock on PostgreSQL and then creates its table, which a team member's
                    // role may not; on that error it returned without unlocking, and the pooled
                    // connection kept the lock, so another member's open could wait for it forever
                    // (seen in the team test).
                    if self.migrator().iter().all(|m| before.contains(&m.version)) {
                        return Ok(Vec::new());
                    }
                    self.migrator().run(self.pool()).await?;
                    let after = <Self as Dialect>::applied_versions(self.pool()).await?;
                    Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
                }

                async fn close(&self) {
                    <Self as $crate::sql::Dialect>::before_close(self);
                    self.pool().close().await;
                }
            }
        };
    };
}

pub(crate) use sql_admin;
