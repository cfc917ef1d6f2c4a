//! Tokens for repositories added by URL, kept in the OS keyring and never in a settings file or
//! the database. One token per server (`scheme://host[:port]`), under the service `repovault`.
//!
//! On Linux the Secret Service (GNOME Keyring, KWallet) keeps them across reboots. Where none runs
//! (a headless machine, CI) the kernel's keyutils keyring holds them instead, until logout or
//! reboot; `save` says which one took it.

use repovault_storage::{ErrorCode, ErrorPayload};

const SERVICE: &str = "repovault";

/// Where a token was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeper {
    /// The desktop's keyring (Secret Service, macOS Keychain, Windows Credential Manager).
    Persistent,
    /// The kernel keyring: gone after logout or reboot.
    Session,
}

/// The server part of a URL, the key its token is kept under: `https://git.example.com:8443`.
pub fn server_of(url: &str) -> Result<String, ErrorPayload> {
    let invalid = || ErrorPayload::new(ErrorCode::Validation, format!("invalid url: {url:?} names no server"));
    let (scheme, rest) = url.trim().split_once("://").ok_or_else(invalid)?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if host.is_empty() {
        return Err(invalid());
    }
    Ok(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

fn keyring_error(what: &str, err: keyring::Error) -> ErrorPayload {
    ErrorPayload::new(ErrorCode::Io, format!("cannot {what} the token in the OS keyring: {err}"))
}

#[cfg(target_os = "linux")]
fn entries(key: &str) -> Result<Vec<(Keeper, keyring::Entry)>, keyring::Error> {
    use keyring::{keyutils::KeyutilsCredential, secret_service::SsCredential, Entry};
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let secret_service = Entry::new_with_credential(Box::new(SsCredential::new_with_target(None, SERVICE, key)?));
    // keyring's own keyutils credential needs a login session keyring; a process started
    // without one (a service, CI) uses the user's session keyring instead, which every process
    // of the user shares.
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
        .or_else(|_| KeyRing::from_special_id(KeyRingIdentifier::UserSession, true))
        .map_err(|e| keyring::Error::PlatformFailure(Box::new(e)))?;
    let kernel = KeyutilsCredential {
        session,
        persistent: KeyRing::get_persistent(KeyRingIdentifier::UserSession).ok(),
        description: format!("keyring-rs:{key}@{SERVICE}"),
    };
    Ok(vec![(Keeper::Persistent, secret_service), (Keeper::Session, Entry::new_with_credential(Box::new(kernel)))])
}

#[cfg(not(target_os = "linux"))]
fn entries(key: &str) -> Result<Vec<(Keeper, keyring::Entry)>, keyring::Error> {
    Ok(vec![(Keeper::Persistent, keyring::Entry::new(SERVICE, key)?)])
}

/// Keeps `secret` under `key` in the first keyring that takes it (also the mirror's password,
/// under a key of its own: `mirror::password`).
pub(crate) fn keep(key: &str, secret: &str) -> Result<Keeper, keyring::Error> {
    let mut last = None;
    for (keeper, entry) in entries(key)? {
        match entry.set_password(secret) {
            Ok(()) => return Ok(keeper),
            Err(err) => {
                tracing::info!(?keeper, "keyring unavailable: {err}");
                last = Some(err);
            }
        }
    }
    Err(last.unwrap_or(keyring::Error::NoEntry))
}

/// The secret kept under `key`, if any keyring has one.
pub(crate) fn read(key: &str) -> Result<Option<String>, keyring::Error> {
    for (_, entry) in entries(key)? {
        match entry.get_password() {
            Ok(secret) => return Ok(Some(secret)),
            // No entry, or a keyring that is not running: look in the next one.
            Err(err) => tracing::debug!("no secret there: {err}"),
        }
    }
    Ok(None)
}

/// Forgets the secret under `key` in every keyring; whether one was there.
pub(crate) fn forget(key: &str) -> Result<bool, keyring::Error> {
    let mut deleted = false;
    for (_, entry) in entries(key)? {
        deleted |= entry.delete_credential().is_ok();
    }
    Ok(deleted)
}

/// Keeps `token` for the server of `url`, in the first keyring that takes it.
pub fn save(url: &str, token: &str) -> Result<Keeper, ErrorPayload> {
    let token = token.trim();
    if token.is_empty() || token.chars().any(char::is_control) {
        return Err(ErrorPayload::new(ErrorCode::Validation, "invalid token: empty or with control characters"));
    }
    keep(&server_of(url)?, token).map_err(|e| keyring_error("keep", e))
}

/// The token kept for the server of `url`, if any.
pub fn load(url: &str) -> Result<Option<String>, ErrorPayload> {
    let Ok(server) = server_of(url) else { return Ok(None) };
    read(&server).map_err(|e| keyring_error("read", e))
}

/// Forgets the token of the server of `url` in every keyring; whether one was there.
pub fn delete(url: &str) -> Result<bool, ErrorPayload> {
    forget(&server_of(url)?).map_err(|e| keyring_error("delete", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_server_without_user_or_path() {
        assert_eq!(server_of("HTTPS://bob@Git.Example.com:8443/a/b.git").unwrap(), "https://git.example.com:8443");
        assert_eq!(server_of("git://127.0.0.1:9418/x").unwrap(), "git://127.0.0.1:9418");
        assert!(server_of("/just/a/folder").is_err());
        assert!(server_of("https:///nohost").is_err());
    }
}
