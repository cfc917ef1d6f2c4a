//! Input checks run before any write, so a rejected input leaves the store unchanged and the error
//! names the field and the reason.

use crate::error::{Result, StoreError};
use crate::model::{ChangeKind, NewCommit, NewFileChange, Signature};

/// Year 1 to year 9999, in Unix seconds: what every backend and every date library handles.
const MIN_TIME: i64 = -62_135_596_800;
const MAX_TIME: i64 = 253_402_300_799;
/// git writes offsets as ±HHMM, so ±99:59 is the widest it can express.
const MAX_TZ_OFFSET_MINUTES: i32 = 99 * 60 + 59;

/// A full object hash: 40 (SHA-1) or 64 (SHA-256) hex characters. Returns it in lower case.
pub fn full_hash(field: &str, hash: &str) -> Result<String> {
    if hash.len() != 40 && hash.len() != 64 {
        return Err(StoreError::validation(
            field,
            format!("a hash has 40 or 64 hex characters, got {} characters", hash.len()),
        ));
    }
    hex_only(field, hash)
}

/// A hash prefix for look-ups: 4 to 64 hex characters. Returns it in lower case.
pub fn hash_prefix(field: &str, prefix: &str) -> Result<String> {
    if prefix.len() < 4 || prefix.len() > 64 {
        return Err(StoreError::validation(
            field,
            format!("a hash prefix has 4 to 64 hex characters, got {} characters", prefix.len()),
        ));
    }
    hex_only(field, prefix)
}

fn hex_only(field: &str, text: &str) -> Result<String> {
    match text.chars().find(|c| !c.is_ascii_hexdigit()) {
        Some(bad) => {
            Err(StoreError::validation(field, format!("{bad:?} is not a hex digit (only 0-9 and a-f are allowed)")))
        }
        None => Ok(text.to_ascii_lowercase()),
    }
}

/// Names, paths and the like: non-empty and without NUL (no backend stores NUL in text).
pub fn non_empty_text(field: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(StoreError::validation(field, "must not be empty"));
    }
    no_nul(field, text)
}

pub fn no_nul(field: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(StoreError::validation(field, "must not contain a NUL character"));
    }
    Ok(())
}

pub fn non_negative(field: &str, value: Option<i64>) -> Result<()> {
    match value {
        Some(n) if n < 0 => Err(StoreError::validation(field, format!("must not be negative, got {n}"))),
        _ => Ok(()),
    }
}

fn signature(field: &str, sig: &Signature) -> Result<()> {
    non_empty_text(&format!("{field}.name"), &sig.name)?;
    no_nul(&format!("{field}.email"), &sig.email)?;
    if !(MIN_TIME..=MAX_TIME).contains(&sig.time) {
        return Err(StoreError::validation(
            format!("{field}.time"),
            format!("{} is outside the years 1 to 9999", sig.time),
        ));
    }
    if sig.tz_offset_minutes.abs() > MAX_TZ_OFFSET_MINUTES {
        return Err(StoreError::validation(
            format!("{field}.tz_offset_minutes"),
            format!("{} minutes is beyond ±99:59", sig.tz_offset_minutes),
        ));
    }
    Ok(())
}

/// Checks a commit and its changes; returns the commit with hashes normalised to lower case.
pub fn commit(commit: &NewCommit, changes: &[NewFileChange]) -> Result<NewCommit> {
    let mut normalised = commit.clone();
    normalised.hash = full_hash("hash", &commit.hash)?;
    for (i, parent) in commit.parents.iter().enumerate() {
        normalised.parents[i] = full_hash(&format!("parents[{i}]"), parent)?;
    }
    signature("author", &commit.author)?;
    signature("committer", &commit.committer)?;
    no_nul("message", &commit.message)?;
    if let Some(pusher) = &commit.pusher {
        non_empty_text("pusher", pusher)?;
    }
    non_negative("commit_count", commit.commit_count)?;
    for (field, identity) in [("raw_author", &commit.raw_author), ("raw_committer", &commit.raw_committer)] {
        if let Some(identity) = identity {
            no_nul(&format!("{field}.name"), &identity.name)?;
            no_nul(&format!("{field}.email"), &identity.email)?;
        }
    }
    for (i, change) in changes.iter().enumerate() {
        file_change(&format!("changes[{i}]"), change)?;
    }
    Ok(normalised)
}

/// Checks every commit of a batch; a field name says which commit (`commits[3].author.name`).
pub fn batch(batch: &[crate::store::CommitBatchItem]) -> Result<Vec<NewCommit>> {
    batch
        .iter()
        .enumerate()
        .map(|(i, (c, changes))| {
            commit(c, changes).map_err(|err| match err {
                StoreError::Validation { field, reason } if batch.len() > 1 => {
                    StoreError::validation(format!("commits[{i}].{field}"), reason)
                }
                other => other,
            })
        })
        .collect()
}

fn file_change(field: &str, change: &NewFileChange) -> Result<()> {
    non_empty_text(&format!("{field}.path"), &change.path)?;
    if let Some(old) = &change.old_path {
        non_empty_text(&format!("{field}.old_path"), old)?;
    }
    if matches!(change.kind, ChangeKind::Renamed | ChangeKind::Copied) && change.old_path.is_none() {
        return Err(StoreError::validation(
            format!("{field}.old_path"),
            format!("a {} file needs the path it came from", change.kind.as_str()),
        ));
    }
    non_negative(&format!("{field}.additions"), change.additions)?;
    non_negative(&format!("{field}.deletions"), change.deletions)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_checked_and_lowercased() {
        let upper = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
        assert_eq!(full_hash("hash", upper).unwrap(), upper.to_lowercase());
        assert!(full_hash("hash", &"a".repeat(64)).is_ok());
        for bad in ["", "abc", &"a".repeat(39), &"a".repeat(41), &"g".repeat(40), &format!("{}'", "a".repeat(39))] {
            let err = full_hash("hash", bad).unwrap_err();
            assert_eq!(err.code(), "validation", "{bad}");
            assert!(err.to_string().starts_with("invalid hash:"), "{err}");
        }
    }

    #[test]
    fn prefixes_need_four_hex_characters() {
        assert_eq!(hash_prefix("hash", "ABCD").unwrap(), "abcd");
        assert!(hash_prefix("hash", "abc").is_err());
        assert!(hash_prefix("hash", "abc%").is_err());
        assert!(hash_prefix("hash", "' OR 1=1 --").is_err());
    }
}
