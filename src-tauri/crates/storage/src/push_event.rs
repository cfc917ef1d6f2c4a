//! Push-event ingest: a webhook-style JSON payload (ref, pusher, commits with added/removed/modified
//! files) turned into commits for the same storage API as a git import. A payload carries no line
//! counts and no parents, so those stay unknown rather than being made up.

use serde::Deserialize;

use crate::error::{Result, StoreError};
use crate::model::{ChangeKind, NewCommit, NewFileChange, Signature};
use crate::store::CommitBatchItem;

#[derive(Debug, Deserialize)]
struct Payload {
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    pusher: Option<Person>,
    repository: Option<RepositoryInfo>,
    commit_count: Option<i64>,
    commits: Vec<EventCommit>,
}

#[derive(Debug, Deserialize)]
struct Person {
    name: Option<String>,
    username: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RepositoryInfo {
    name: Option<String>,
    full_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EventCommit {
    id: String,
    message: String,
    timestamp: String,
    author: Person,
    committer: Option<Person>,
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    modified: Vec<String>,
}

/// A parsed push event, ready for `Store::store_commits`.
#[derive(Debug)]
pub struct PushEvent {
    pub git_ref: Option<String>,
    pub repository: Option<String>,
    pub pusher: Option<String>,
    pub commits: Vec<CommitBatchItem>,
}

pub fn parse_push_event(json: &[u8]) -> Result<PushEvent> {
    let payload: Payload = serde_json::from_slice(json)
        .map_err(|e| StoreError::validation("payload", format!("not a push event: {e}")))?;
    let pusher = payload.pusher.as_ref().and_then(person_name);
    let commit_count = Some(payload.commit_count.unwrap_or(payload.commits.len() as i64));
    let mut commits = Vec::with_capacity(payload.commits.len());
    for (i, event) in payload.commits.iter().enumerate() {
        let field = |name: &str| format!("commits[{i}].{name}");
        let author = signature(&event.author, &event.timestamp, &field("author"), &field("timestamp"))?;
        let committer = match &event.committer {
            Some(person) => signature(person, &event.timestamp, &field("committer"), &field("timestamp"))?,
            None => author.clone(),
        };
        let commit = NewCommit {
            hash: event.id.clone(),
            parents: Vec::new(),
            author,
            committer,
            message: event.message.clone(),
            pusher: pusher.clone(),
            commit_count,
            ..NewCommit::default()
        };
        let listed = [
            (&event.added, ChangeKind::Added),
            (&event.removed, ChangeKind::Deleted),
            (&event.modified, ChangeKind::Modified),
        ];
        let changes = listed
            .into_iter()
            .flat_map(|(paths, kind)| {
                paths.iter().map(move |path| NewFileChange {
                    path: path.clone(),
                    old_path: None,
                    kind,
                    is_binary: false,
                    additions: None,
                    deletions: None,
                    ..NewFileChange::default()
                })
            })
            .collect();
        commits.push((commit, changes));
    }
    let repository = payload.repository.and_then(|r| r.name.or(r.full_name));
    Ok(PushEvent { git_ref: payload.git_ref, repository, pusher, commits })
}

fn person_name(person: &Person) -> Option<String> {
    person.name.clone().or_else(|| person.username.clone()).filter(|n| !n.is_empty())
}

fn signature(person: &Person, timestamp: &str, field: &str, time_field: &str) -> Result<Signature> {
    let when = chrono::DateTime::parse_from_rfc3339(timestamp)
        .map_err(|e| StoreError::validation(time_field, format!("{timestamp:?} is not an RFC 3339 time ({e})")))?;
    let name = person_name(person).ok_or_else(|| StoreError::validation(format!("{field}.name"), "is missing"))?;
    Ok(Signature {
        name,
        email: person.email.clone().unwrap_or_default(),
        time: when.timestamp(),
        tz_offset_minutes: when.offset().local_minus_utc() / 60,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_become_changes_with_unknown_line_counts() {
        let json = br#"{"ref":"refs/heads/main","pusher":{"name":"alice"},"repository":{"name":"demo"},
            "commits":[{"id":"0123456789abcdef0123456789abcdef01234567","message":"fix","timestamp":"2024-03-01T10:00:00+02:00",
            "author":{"name":"Alice","email":"a@example.com"},"added":["a.rs"],"removed":["b.rs"],"modified":["c.rs"]}]}"#;
        let event = parse_push_event(json).unwrap();
        assert_eq!(event.repository.as_deref(), Some("demo"));
        let (commit, changes) = &event.commits[0];
        assert_eq!(commit.author.tz_offset_minutes, 120);
        assert_eq!(commit.author.time, 1_709_280_000);
        assert_eq!(commit.pusher.as_deref(), Some("alice"));
        assert_eq!(commit.commit_count, Some(1));
        let kinds: Vec<_> = changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(kinds, [("a.rs", ChangeKind::Added), ("b.rs", ChangeKind::Deleted), ("c.rs", ChangeKind::Modified)]);
        assert!(changes.iter().all(|c| c.additions.is_none() && c.deletions.is_none()));
    }

    #[test]
    fn bad_timestamps_name_the_commit() {
        let json = br#"{"commits":[{"id":"x","message":"m","timestamp":"yesterday","author":{"name":"A"}}]}"#;
        let err = parse_push_event(json).unwrap_err();
        assert_eq!(err.code(), "validation");
        assert!(err.to_string().contains("commits[0].timestamp"), "{err}");
    }
}
