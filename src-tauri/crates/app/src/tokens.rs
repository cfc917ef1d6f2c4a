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
fn entries(server: &str) -> Result<Vec<(Keeper, keyring::Entry)>, keyring::Error> {
    use keyring::{keyutils::KeyutilsCredential, secret_service::SsCredential, Entry};
    use linux_keyutils::{KeyRing, KeyRingIdentifier};
    let secret_service = Entry::new_with_credential(Box::new(SsCredential::new_with_target(None, SERVICE, server)?));
    // keyring's own keyutils credential needs a login session keyring; a process started
    // without one (a service, CI) uses the user's session keyring instead, which every process
    // of the user shares.
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
        .or_else(|_| KeyRing::from_special_id(KeyRingIdentifier::UserSession, true))
        .map_err(|e| keyring::Error::PlatformFailure(Box::new(e)))?;
    let kernel = KeyutilsCredential {
        session,
        persistent: KeyRing::get_persistent(KeyRingIdentifier::UserSession).ok(),
        description: format!("keyring-rs:{server}@{SERVICE}"),
    };
    Ok(vec![(Keeper::Persistent, secret_service), (Keeper::Session, Entry::new_with_credential(Box::new(kernel)))])
}

#[cfg(not(target_os = "linux"))]
fn entries(server: &str) -> Result<Vec<(Keeper, keyring::Entry)>, keyring::Error> {
    Ok(vec![(Keeper::Persistent, keyring::Entry::new(SERVICE, server)?)])
}

/// Keeps `token` for the server of `url`, in the first keyring that takes it.
pub fn save(url: &str, token: &str) -> Result<Keeper, ErrorPayload> {
    let token = token.trim();
    if token.is_empty() || token.chars().any(char::is_control) {
        return Err(ErrorPayload::new(ErrorCode::Validation, "invalid token: empty or with control characters"));
    }
    let server = server_of(url)?;
    let mut last = None;
    for (keeper, entry) in entries(&server).map_err(|e| keyring_error("keep", e))? {
        match entry.set_password(token) {
            Ok(()) => return Ok(keeper),
            Err(err) => {
                tracing::info!(?keeper, "keyring unavailable: {err}");
                last = Some(err);
            }
        }
    }
    Err(keyring_error("keep", last.unwrap_or(keyring::Error::NoEntry)))
}

/// The token kept for the server of `url`, if any.
pub fn load(url: &str) -> Result<Option<String>, ErrorPayload> {
    let Ok(server) = server_of(url) else { return Ok(None) };
    for (_, entry) in entries(&server).map_err(|e| keyring_error("read", e))? {
        match entry.get_password() {
            Ok(token) => return Ok(Some(token)),
            // No entry, or a keyring that is not running: look in the next one.
            Err(err) => tracing::debug!("no token there: {err}"),
        }
    }
    Ok(None)
}

/// Forgets the token of the server of `url` in every keyring; whether one was there.
pub fn delete(url: &str) -> Result<bool, ErrorPayload> {
    let server = server_of(url)?;
    let mut deleted = false;
    for (_, entry) in entries(&server).map_err(|e| keyring_error("delete", e))? {
        deleted |= entry.delete_credential().is_ok();
    }
    Ok(deleted)
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
