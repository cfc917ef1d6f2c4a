//! The mirror's password lives in the OS keyring (as repository tokens do, `crate::tokens`), never
//! in the database or `settings.json`: those keep the URL with `***` in its place, and the URL
//! with the password is put together only to connect.

use repovault_storage::mirror::KEPT_PASSWORD;
use repovault_storage::{Result, Store, StoreError};

use crate::tokens;

/// A URL's parts around its password: `scheme://user:password@host…`.
struct Parts<'a> {
    scheme: &'a str,
    user: &'a str,
    password: &'a str,
    /// Host, port, path and query.
    rest: &'a str,
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    // The user information ends at the last `@` of the authority (before any path or query).
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let at = after[..end].rfind('@')?;
    let (user, password) = after[..at].split_once(':')?;
    Some(Parts { scheme, user, password, rest: &after[at + 1..] })
}

fn with_password(p: &Parts<'_>, password: &str) -> String {
    format!("{}://{}:{password}@{}", p.scheme, p.user, p.rest)
}

/// The keyring key of a stored URL: `mirror:` keeps it apart from the tokens' `scheme://host`.
fn key(stored: &str) -> String {
    format!("mirror:{stored}")
}

fn missing(stored: &str) -> StoreError {
    StoreError::Config(format!(
        "mirror password not found in the OS keyring (for {stored}); run mirror enable again with the password"
    ))
}

/// What to store for `url`: a URL with a password gets `***` in its place and the password goes
/// into the keyring; one without (or with `***` already) is stored as it is.
pub fn conceal(url: &str) -> Result<String> {
    let Some(p) = parts(url).filter(|p| p.password != KEPT_PASSWORD) else { return Ok(url.to_string()) };
    let stored = with_password(&p, KEPT_PASSWORD);
    tokens::keep(&key(&stored), p.password)
        .map_err(|e| StoreError::Config(format!("cannot keep the mirror's password in the OS keyring: {e}")))?;
    Ok(stored)
}

/// The URL to connect with: a stored `***` replaced by the password from the keyring (a missing
/// entry is an error at once, not a connection attempt); any other URL as it is.
pub fn reveal(stored: &str) -> Result<String> {
    let Some(p) = parts(stored).filter(|p| p.password == KEPT_PASSWORD) else { return Ok(stored.to_string()) };
    match tokens::read(&key(stored)) {
        Ok(Some(password)) => Ok(with_password(&p, &password)),
        Ok(None) => Err(missing(stored)),
        Err(err) => {
            tracing::info!("the OS keyring cannot be read: {err}");
            Err(missing(stored))
        }
    }
}

/// A store from before the keyring keeps the password in its URL: moved into the keyring and
/// the URL stored without it. Returns the URL stored now; if the keyring cannot take it, the old
/// URL stays and keeps working.
pub async fn migrate(primary: &dyn Store, stored: &str) -> String {
    if parts(stored).is_none_or(|p| p.password == KEPT_PASSWORD) {
        return stored.to_string();
    }
    let moved = match conceal(stored) {
        Ok(moved) => moved,
        Err(err) => {
            tracing::warn!("the mirror's password stays in the database: {err}");
            return stored.to_string();
        }
    };
    if let Err(err) = primary.set_mirror_url(&moved).await {
        tracing::warn!("cannot store the mirror's URL without its password: {err}");
        return stored.to_string();
    }
    primary.record_audit("mirror.password", "mirror", "moved into the OS keyring").await.ok();
    moved
}

/// Forgets the keyring entry of a stored URL (tests; a re-enable overwrites it anyway).
pub fn forget(stored: &str) -> bool {
    tokens::forget(&key(stored)).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_found_in_the_authority_only() {
        let p = parts("postgres://team:s3cr%40t@db:5432/vault?options=a@b").unwrap();
        assert_eq!((p.user, p.password, p.rest), ("team", "s3cr%40t", "db:5432/vault?options=a@b"));
        assert_eq!(with_password(&p, KEPT_PASSWORD), "postgres://team:***@db:5432/vault?options=a@b");
        assert!(parts("postgres://team@db/vault").is_none());
        assert!(parts("postgres://db/vault?user=a@b").is_none());
        assert_eq!(reveal("postgres://team@db/vault").unwrap(), "postgres://team@db/vault");
    }
}
