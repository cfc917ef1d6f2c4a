//! The `Store` implementation shared by both backends. The SQL is portable (`$N` placeholders work
//! on SQLite and PostgreSQL alike), so one body serves both; what differs is the `Dialect` trait
//! (`dialect.rs`), which `SqliteStore` and `PgStore` implement in `sqlite.rs` and `postgres.rs`
//! along with connecting, pragmas and schema checks.
//!
//! The shared body is split by concern, one macro per file, each instantiated per backend and
//! defining inherent methods that reach the backend only through `Dialect`:
//! - `rows`: the row types, their column lists and conversions (plain code);
//! - `batch`: preparing a batch of commits (plain code) and `insert_batch`;
//! - `writes`: repositories, storing commits, `finish_sync`, the audit log lines;
//! - `lookups`: repositories, commits by hash, parents, diffs, refs, commits for export;
//! - `queries`: commit queries and counts, the newest commits, saved queries;
//! - `reach`: branch reachability;
//! - `admin`: assembling the store, migrations, `ANALYZE`, the audit log, closing.
//!
//! `impl_sql_store!` instantiates them all and the `Store` impl, which only delegates to the
//! inherent methods of the same names.

pub(crate) mod admin;
pub(crate) mod batch;
pub(crate) mod dialect;
pub(crate) mod lookups;
pub(crate) mod queries;
pub(crate) mod reach;
pub(crate) mod rows;
pub(crate) mod writes;

pub(crate) use dialect::{ChangeRow, Dialect, SearchRow};

/// Binds a compiled query's values, in order, to a sqlx query of either backend.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                $crate::query::Bind::Text(text) => query.bind(text.as_str()),
                $crate::query::Bind::Int(value) => query.bind(*value),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Instantiates the shared `Store` implementation for a backend struct that implements `Dialect`
/// and has the fields `pool`, `blobs`, `info` and `migrator` (which only `assemble` names).
macro_rules! impl_sql_store {
    ($store:ty) => {
        $crate::sql::admin::sql_admin!($store);
        $crate::sql::batch::sql_insert_batch!($store);
        $crate::sql::lookups::sql_lookups!($store);
        $crate::sql::queries::sql_queries!($store);
        $crate::sql::reach::sql_reach!($store);
        $crate::sql::writes::sql_writes!($store);
        $crate::search_index::sql_search_index!($store);
        $crate::remotes::sql_remote_sync!($store);
        $crate::graph::sql::sql_graph!($store);
        $crate::workspaces::sql_workspaces!($store);

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn info(&self) -> $crate::model::StoreInfo {
                $crate::sql::Dialect::store_info(self).clone()
            }

            async fn ensure_repository(
                &self,
                workspace: &str,
                name: &str,
                path: Option<&str>,
            ) -> $crate::error::Result<$crate::model::Repository> {
                Self::ensure_repository(self, workspace, name, path).await
            }

            async fn repository_by_name(&self, name: &str) -> $crate::error::Result<$crate::model::Repository> {
                Self::repository_by_name(self, name).await
            }

            async fn delete_repository(&self, name: &str) -> $crate::error::Result<i64> {
                Self::delete_repository(self, name).await
            }

            async fn repositories(&self) -> $crate::error::Result<Vec<$crate::model::Repository>> {
                Self::repositories(self).await
            }

            async fn store_commits(
                &self,
                repository_id: i64,
                batch: &[$crate::store::CommitBatchItem],
            ) -> $crate::error::Result<Vec<$crate::model::StorageResult>> {
                Self::store_commits(self, repository_id, batch).await
            }

            async fn begin_commit_load(
                &self,
                repository_id: i64,
            ) -> $crate::error::Result<Box<dyn $crate::store::CommitLoad>> {
                <Self as $crate::sql::Dialect>::begin_bulk_load(self, repository_id).await
            }

            async fn get_commit_by_hash(
                &self,
                repository_id: Option<i64>,
                hash: &str,
            ) -> $crate::error::Result<$crate::model::CommitWithChanges> {
                self.commit_by_hash(repository_id, hash, true).await
            }

            async fn get_commit_stat(
                &self,
                repository_id: Option<i64>,
                hash: &str,
            ) -> $crate::error::Result<$crate::model::CommitWithChanges> {
                self.commit_by_hash(repository_id, hash, false).await
            }

            async fn recent_commits(
                &self,
                repository_id: i64,
                limit: u32,
            ) -> $crate::error::Result<Vec<$crate::model::Commit>> {
                Self::recent_commits(self, repository_id, limit).await
            }

            async fn query_commits(
                &self,
                query: &$crate::query::CommitQuery,
            ) -> $crate::error::Result<$crate::query::CommitPage> {
                Self::query_commits(self, query).await
            }

            async fn count_commits(&self, query: &$crate::query::CommitQuery) -> $crate::error::Result<i64> {
                Self::count_commits(self, query).await
            }

            async fn save_query(
                &self,
                name: &str,
                filter: &$crate::query::Filter,
            ) -> $crate::error::Result<$crate::query::SavedQuery> {
                Self::save_query(self, name, filter).await
            }

            async fn saved_queries(&self) -> $crate::error::Result<Vec<$crate::query::SavedQuery>> {
                Self::saved_queries(self).await
            }

            async fn rename_saved_query(
                &self,
                name: &str,
                new_name: &str,
            ) -> $crate::error::Result<$crate::query::SavedQuery> {
                Self::rename_saved_query(self, name, new_name).await
            }

            async fn delete_saved_query(&self, name: &str) -> $crate::error::Result<()> {
                Self::delete_saved_query(self, name).await
            }

            async fn stored_commits(&self, ids: &[i64]) -> $crate::error::Result<Vec<$crate::model::StoredCommit>> {
                Self::stored_commits(self, ids).await
            }

            async fn diff_bytes(&self, file_change_id: i64) -> $crate::error::Result<Option<Vec<u8>>> {
                Self::diff_bytes(self, file_change_id).await
            }

            async fn commit_hashes(
                &self,
                repository_id: i64,
            ) -> $crate::error::Result<std::collections::HashSet<String>> {
                Self::commit_hashes(self, repository_id).await
            }

            async fn unstored_parents(
                &self,
                repository_id: i64,
                stored_since: i64,
            ) -> $crate::error::Result<Vec<String>> {
                Self::unstored_parents(self, repository_id, stored_since).await
            }

            async fn refs(&self, repository_id: i64) -> $crate::error::Result<Vec<$crate::model::GitRef>> {
                Self::refs(self, repository_id).await
            }

            async fn finish_sync(
                &self,
                repository_id: i64,
                refs: &[$crate::model::GitRef],
                is_shallow: bool,
            ) -> $crate::error::Result<()> {
                Self::finish_sync(self, repository_id, refs, is_shallow).await
            }

            async fn analyze(&self) -> $crate::error::Result<()> {
                Self::analyze(self).await
            }

            async fn audit_log(&self, limit: u32) -> $crate::error::Result<Vec<$crate::model::AuditEntry>> {
                Self::audit_log(self, limit).await
            }

            async fn migrations(&self) -> $crate::error::Result<Vec<$crate::model::MigrationState>> {
                Self::migrations(self).await
            }

            async fn migrate(&self) -> $crate::error::Result<Vec<i64>> {
                Self::migrate(self).await
            }

            async fn close(&self) {
                Self::close(self).await
            }
        }
    };
}
pub(crate) use impl_sql_store;
