//! Commits to store: deterministic hashes, signatures and `NewCommit` / `NewFileChange` builders.

use repovault_storage::{ChangeKind, NewCommit, NewFileChange, Signature};

/// A deterministic 40-hex hash from a number.
pub fn hash_of(n: u64) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(n.to_le_bytes()))[..40].to_string()
}

/// `name` <name@example.com> at `time`, one hour east of UTC.
pub fn signature(name: &str, time: i64) -> Signature {
    Signature {
        name: name.to_string(),
        email: format!("{}@example.com", name.to_lowercase()),
        time,
        tz_offset_minutes: 60,
    }
}

/// A commit authored by Alice at `time` and committed by Bob 30 seconds later.
pub fn commit(hash: &str, parents: &[&str], time: i64, message: &str) -> NewCommit {
    NewCommit {
        hash: hash.to_string(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        author: signature("Alice", time),
        committer: signature("Bob", time + 30),
        message: message.to_string(),
        ..NewCommit::default()
    }
}

/// A modified text file with known line counts and an optional diff.
pub fn change(path: &str, additions: i64, deletions: i64, diff: Option<&[u8]>) -> NewFileChange {
    NewFileChange {
        path: path.to_string(),
        old_path: None,
        kind: ChangeKind::Modified,
        is_binary: false,
        additions: Some(additions),
        deletions: Some(deletions),
        diff: diff.map(<[u8]>::to_vec),
        ..NewFileChange::default()
    }
}

/// `n` file changes with small, distinct diffs.
pub fn changes(seed: u64, n: usize) -> Vec<NewFileChange> {
    (0..n)
        .map(|i| {
            let text = format!("@@ -1,2 +1,2 @@\n-old line {seed} {i}\n+new line {seed} {i}\n context\n");
            change(&format!("src/file_{i}.rs"), 1 + i as i64, i as i64, Some(text.as_bytes()))
        })
        .collect()
}
