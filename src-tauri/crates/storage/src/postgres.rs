//! The team backend: a PostgreSQL server chosen by a `postgres://` URL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::blob::BlobStore;
use crate::error::{Result, StoreError};
use crate::model::{Backend, StoreInfo};
use crate::schema;
use crate::sql::{impl_sql_store, Dialect, SearchRow};

pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/postgres");

#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    blobs: BlobStore,
    info: StoreInfo,
    migrator: &'static Migrator,
}

impl PgStore {
    pub async fn open(url: &str, blobs: BlobStore, apply_migrations: bool) -> Result<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("bad PostgreSQL URL {}: {e}", redact_password(url))))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Storage(format!("cannot connect to {}: {e}", redact_password(url))))?;
        let applied = PgStore::applied_versions(&pool).await?;
        if let Err(err) = schema::refuse_newer(&MIGRATOR, &applied) {
            pool.close().await;
            return Err(err);
        }
        PgStore::assemble(pool, blobs, &MIGRATOR, Backend::Postgres, redact_password(url), apply_migrations).await
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for messages and the UI.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((userinfo, host)) = rest.rsplit_once('@') else { return url.to_string() };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

impl Dialect for PgStore {
    type Db = sqlx::Postgres;
    const BEGIN_WRITE: &'static str = "BEGIN";
    const ANALYZE: &'static [&'static str] = &["ANALYZE"];
    const SEARCH_IN_COMMIT_ROW: bool = true;
    const JOIN_TEXT: &'static str = "string_agg";

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    fn store_info(&self) -> &StoreInfo {
        &self.info
    }

    fn migrator(&self) -> &'static Migrator {
        self.migrator
    }

    async fn applied_versions(pool: &PgPool) -> Result<Vec<i64>> {
        let mut conn = pool.acquire().await?;
        crate::schema::pg_applied_versions(&mut conn).await
    }

    /// Indexes commits for full-text search: the words and stems computed in Rust, one per
    /// space-separated token, so PostgreSQL's parser splits them as SQLite's does. (New commits get
    /// them in their INSERT, see `SEARCH_IN_COMMIT_ROW`; this rebuilds.)
    async fn refresh_search(conn: &mut sqlx::PgConnection, rows: &[SearchRow<'_>], _replace: bool) -> Result<()> {
        for chunk in rows.chunks(1000) {
            let mut qb = sqlx::QueryBuilder::<sqlx::Postgres>::new(
                "UPDATE commits c SET search = to_tsvector('simple', v.words), stems = to_tsvector('simple', v.stems) FROM (",
            );
            qb.push_values(chunk, |mut b, row| {
                b.push_bind(row.id).push_bind(row.words.words.as_str()).push_bind(row.words.stems.as_str());
            });
            qb.push(") AS v (id, words, stems) WHERE c.id = v.id");
            qb.build().persistent(false).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// The search vector lives on the commit row, so deleting the commits removes it.
    async fn forget_search(_conn: &mut sqlx::PgConnection, _repository_id: i64) -> Result<()> {
        Ok(())
    }

    async fn change_candidates(_conn: &mut sqlx::PgConnection, _text: &str, _columns: &[&str]) -> Result<String> {
        Err(crate::error::StoreError::Query("PostgreSQL searches its change index in SQL".into()))
    }

    async fn index_stored_changes(_conn: &mut sqlx::PgConnection, _rows: &[crate::sql::ChangeRow<'_>]) -> Result<()> {
        Ok(())
    }

    async fn forget_changes(_conn: &mut sqlx::PgConnection) -> Result<()> {
        Ok(())
    }

    /// The trigram indexes follow `change_text` as rows arrive: nothing is ever queued.
    async fn index_queued_changes(_conn: &mut sqlx::PgConnection, _commits: i64, _bytes: i64) -> Result<u64> {
        Ok(0)
    }

    async fn queued_changes(_conn: &mut sqlx::PgConnection) -> Result<u64> {
        Ok(0)
    }
}

impl_sql_store!(PgStore);

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact_password("postgres://rv:s3cret@127.0.0.1:5432/db"), "postgres://rv:***@127.0.0.1:5432/db");
        assert_eq!(redact_password("postgres://rv@127.0.0.1/db"), "postgres://rv@127.0.0.1/db");
        assert_eq!(redact_password("postgres://127.0.0.1/db"), "postgres://127.0.0.1/db");
    }
}
