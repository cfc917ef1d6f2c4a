//! Repositories added by URL and kept in sync: the remote a bare mirror fetches from, the
//! per-repository background-sync interval (off by default), and how the last sync went.

use async_trait::async_trait;

use crate::error::{Result, StoreError};
use crate::model::Repository;

/// Shortest background-sync interval: a fetch a minute is already plenty for a desktop app.
pub const MIN_SYNC_INTERVAL_SECS: i64 = 60;
/// Longest: 30 days.
pub const MAX_SYNC_INTERVAL_SECS: i64 = 30 * 24 * 3600;

#[async_trait]
pub trait RemoteSync {
    /// Records where the repository's mirror fetches from (`None`: a local folder). The URL must
    /// carry no password: tokens live in the OS keyring, never in the database.
    async fn set_remote_url(&self, repository: &str, url: Option<&str>) -> Result<Repository>;
    /// Turns background sync on (every `seconds`) or off (`None`).
    async fn set_sync_interval(&self, repository: &str, seconds: Option<i64>) -> Result<Repository>;
    /// Records the end of a sync at `at` (Unix seconds): `error` is `None` when it succeeded.
    async fn record_sync(&self, repository: &str, at: i64, error: Option<&str>) -> Result<()>;
}

/// A remote URL fit to store: not empty, no control characters, and no password in it.
pub fn check_remote_url(url: &str) -> Result<()> {
    if url.trim().is_empty() || url.chars().any(char::is_control) {
        return Err(StoreError::validation("url", "the remote URL is empty or has control characters"));
    }
    if let Some((_, rest)) = url.split_once("://") {
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.rsplit_once('@').is_some_and(|(userinfo, _)| userinfo.contains(':')) {
            return Err(StoreError::validation(
                "url",
                "the URL holds a password; enter the token separately (it is kept in the OS keyring)",
            ));
        }
    }
    Ok(())
}

pub fn check_sync_interval(seconds: Option<i64>) -> Result<()> {
    match seconds {
        Some(s) if !(MIN_SYNC_INTERVAL_SECS..=MAX_SYNC_INTERVAL_SECS).contains(&s) => Err(StoreError::validation(
            "interval",
            format!("the sync interval must be between {MIN_SYNC_INTERVAL_SECS} s and 30 days, not {s} s"),
        )),
        _ => Ok(()),
    }
}

/// Instantiates `RemoteSync` for a store type implementing `Dialect`.
macro_rules! sql_remote_sync {
    ($store:ty) => {
        const _: () = {
            use $crate::sql::Dialect;

            #[async_trait::async_trait]
            impl $crate::remotes::RemoteSync for $store {
                async fn set_remote_url(
                    &self,
                    repository: &str,
                    url: Option<&str>,
                ) -> $crate::error::Result<$crate::model::Repository> {
                    if let Some(url) = url {
                        $crate::remotes::check_remote_url(url)?;
                    }
                    let repo = self.repository_by_name(repository).await?;
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    sqlx::query("UPDATE repositories SET remote_url = $1 WHERE id = $2")
                        .bind(url)
                        .bind(repo.id)
                        .execute(&mut *tx)
                        .await?;
                    Self::audit(&mut *tx, "repository.remote", "repository", Some(&repo.id.to_string()), url).await?;
                    tx.commit().await?;
                    self.repository_by_name(repository).await
                }

                async fn set_sync_interval(
                    &self,
                    repository: &str,
                    seconds: Option<i64>,
                ) -> $crate::error::Result<$crate::model::Repository> {
                    $crate::remotes::check_sync_interval(seconds)?;
                    let repo = self.repository_by_name(repository).await?;
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    sqlx::query("UPDATE repositories SET sync_interval_secs = $1 WHERE id = $2")
                        .bind(seconds)
                        .bind(repo.id)
                        .execute(&mut *tx)
                        .await?;
                    let detail = seconds.map(|s| format!("{s}s")).unwrap_or_else(|| "off".into());
                    Self::audit(
                        &mut *tx,
                        "repository.sync_interval",
                        "repository",
                        Some(&repo.id.to_string()),
                        Some(&detail),
                    )
                    .await?;
                    tx.commit().await?;
                    self.repository_by_name(repository).await
                }

                async fn record_sync(
                    &self,
                    repository: &str,
                    at: i64,
                    error: Option<&str>,
                ) -> $crate::error::Result<()> {
                    let updated = sqlx::query(
                        "UPDATE repositories SET last_sync_attempt_at = $1, last_sync_error = $2 WHERE name = $3",
                    )
                    .bind(at)
                    .bind(error)
                    .bind(repository)
                    .execute(self.pool())
                    .await?;
                    if updated.rows_affected() == 0 {
                        return Err($crate::error::StoreError::not_found(format!("repository {repository}")));
                    }
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use sql_remote_sync;
