//! Replaying one outbox entry on the mirror. Every replay reads the current rows from the
//! primary and writes them with upserts or "stored already is a duplicate", so applying an entry
//! twice (the drainer was killed between the mirror's commit and marking it done) changes nothing.

use std::collections::HashSet;

use repovault_storage::mirror::{kind, OutboxEntry};
use repovault_storage::{Repository, Result, Store, StoreError};

/// Commits per mirror transaction when a repository is filled or repaired.
pub const FILL_CHUNK: usize = 500;

/// Applies one entry; returns how many commits it brought over.
pub async fn apply(primary: &dyn Store, mirror: &dyn Store, entry: &OutboxEntry) -> Result<u64> {
    let repository = entry.repository.as_deref();
    match entry.kind.as_str() {
        kind::REPOSITORY => {
            if let Some(name) = repository {
                mirror_repository(primary, mirror, name).await?;
            }
            Ok(0)
        }
        kind::COMMITS => {
            let ids: Vec<i64> = serde_json::from_str(&entry.payload)
                .map_err(|e| StoreError::validation("payload", format!("outbox entry {}: {e}", entry.id)))?;
            let Some(name) = repository else { return Ok(0) };
            send_commits(primary, mirror, name, &ids).await
        }
        kind::REFS => {
            if let Some(name) = repository {
                send_refs(primary, mirror, name).await?;
            }
            Ok(0)
        }
        kind::REPOSITORY_REMOVED => {
            if let Some(name) = repository {
                match mirror.delete_repository(name).await {
                    Ok(_) | Err(StoreError::NotFound { .. }) => {}
                    Err(err) => return Err(err),
                }
            }
            Ok(0)
        }
        kind::SAVED_QUERIES => {
            send_saved_queries(primary, mirror).await?;
            Ok(0)
        }
        kind::ANALYSIS_RUNS => {
            if let Some(name) = repository {
                send_runs(primary, mirror, name).await?;
            }
            Ok(0)
        }
        kind::BACKUP_SCHEDULES => {
            mirror.replace_schedules(&primary.schedules().await?).await?;
            Ok(0)
        }
        kind::WORKSPACES => {
            send_workspaces(primary, mirror).await?;
            Ok(0)
        }
        kind::REPOSITORIES => {
            prune_repositories(primary, mirror).await?;
            Ok(0)
        }
        kind::FILL => match repository {
            Some(name) => fill(primary, mirror, name).await,
            None => Ok(0),
        },
        other => Err(StoreError::validation("kind", format!("outbox entry {} has unknown kind {other:?}", entry.id))),
    }
}

/// The mirror's workspaces made the primary's: missing ones created, repositories and saved
/// queries moved to the workspace they are in on the primary, then the workspaces the primary no
/// longer has deleted (with what they still hold). A rename is thereby a new name, the moves, and
/// the old name deleted once it holds none of the primary's repositories or saved queries.
pub async fn send_workspaces(primary: &dyn Store, mirror: &dyn Store) -> Result<()> {
    let wanted: HashSet<String> = primary.workspaces().await?.into_iter().map(|w| w.name).collect();
    let present: HashSet<String> = mirror.workspaces().await?.into_iter().map(|w| w.name).collect();
    for name in wanted.difference(&present) {
        mirror.create_workspace(name).await?;
    }
    let mirrored: std::collections::HashMap<String, String> =
        mirror.repositories().await?.into_iter().map(|r| (r.name, r.workspace)).collect();
    for repo in primary.repositories().await? {
        if mirrored.get(&repo.name).is_some_and(|ws| *ws != repo.workspace) {
            mirror.move_repository(&repo.name, &repo.workspace).await?;
        }
    }
    send_saved_queries(primary, mirror).await?;
    for name in present.difference(&wanted) {
        match mirror.delete_workspace(name).await {
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

async fn primary_repository(primary: &dyn Store, name: &str) -> Result<Option<Repository>> {
    match primary.repository_by_name(name).await {
        Ok(repo) => Ok(Some(repo)),
        // Removed since: its removal entry follows.
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The mirror's repository of that name (made in the primary's workspace when missing).
async fn mirror_repository(
    primary: &dyn Store,
    mirror: &dyn Store,
    name: &str,
) -> Result<Option<(Repository, Repository)>> {
    let Some(local) = primary_repository(primary, name).await? else { return Ok(None) };
    let remote = mirror.ensure_repository(&local.workspace, name, local.path.as_deref()).await?;
    Ok(Some((local, remote)))
}

type Batch = Vec<repovault_storage::CommitBatchItem>;

/// The commits with these local ids, read from the primary as the mirror stores them.
async fn read_batch(primary: &dyn Store, ids: &[i64]) -> Result<Batch> {
    Ok(primary.stored_commits(ids).await?.into_iter().map(|s| (s.commit, s.changes)).collect())
}

/// Stores a batch in one mirror transaction; how many were new there.
async fn write_batch(mirror: &dyn Store, repository_id: i64, batch: &Batch) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let results = mirror.store_commits(repository_id, batch).await?;
    Ok(results.iter().filter(|r| r.status == repovault_storage::StorageStatus::Stored).count() as u64)
}

/// Sends the commits with these local ids in one mirror transaction.
pub async fn send_commits(primary: &dyn Store, mirror: &dyn Store, name: &str, ids: &[i64]) -> Result<u64> {
    let Some((_, remote)) = mirror_repository(primary, mirror, name).await? else { return Ok(0) };
    write_batch(mirror, remote.id, &read_batch(primary, ids).await?).await
}

/// Sends the commits in chunks, each its own mirror transaction, reading the next chunk from the
/// primary while the mirror stores the current one (the two databases work at once).
async fn send_chunks(primary: &dyn Store, mirror: &dyn Store, repository_id: i64, ids: &[i64]) -> Result<u64> {
    let mut chunks = ids.chunks(FILL_CHUNK);
    let mut current = match chunks.next() {
        Some(chunk) => Some(read_batch(primary, chunk).await?),
        None => None,
    };
    let mut sent = 0;
    while let Some(batch) = current.take() {
        let next = chunks.next();
        let read_next = async {
            match next {
                Some(chunk) => read_batch(primary, chunk).await.map(Some),
                None => Ok(None),
            }
        };
        let (written, read) = tokio::join!(write_batch(mirror, repository_id, &batch), read_next);
        sent += written?;
        current = read?;
    }
    Ok(sent)
}

async fn send_refs(primary: &dyn Store, mirror: &dyn Store, name: &str) -> Result<()> {
    let Some((local, remote)) = mirror_repository(primary, mirror, name).await? else { return Ok(()) };
    let refs = primary.refs(local.id).await?;
    mirror.finish_sync(remote.id, &refs, local.is_shallow).await
}

async fn send_runs(primary: &dyn Store, mirror: &dyn Store, name: &str) -> Result<()> {
    let Some((local, remote)) = mirror_repository(primary, mirror, name).await? else { return Ok(()) };
    let runs = primary.run_records(local.id).await?;
    mirror.replace_run_records(remote.id, &runs).await
}

/// The saved queries sent whole, each into its workspace (by name) on the mirror.
pub async fn send_saved_queries(primary: &dyn Store, mirror: &dyn Store) -> Result<()> {
    mirror.replace_saved_queries(&primary.saved_query_records().await?).await
}

/// Removes from the mirror the repositories the primary does not have (a restore brought back
/// an older store; their removal entries went with the replaced data).
async fn prune_repositories(primary: &dyn Store, mirror: &dyn Store) -> Result<()> {
    let wanted: HashSet<String> = primary.repositories().await?.into_iter().map(|r| r.name).collect();
    for repo in mirror.repositories().await? {
        if !wanted.contains(&repo.name) {
            match mirror.delete_repository(&repo.name).await {
                Ok(_) | Err(StoreError::NotFound { .. }) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(())
}

/// Brings a whole repository over: the commits the mirror lacks (in chunks, each its own
/// transaction, so a fill interrupted anywhere resumes where it stopped), then refs and runs.
/// Commits only the mirror has (a restore brought back an older store) are removed there.
pub async fn fill(primary: &dyn Store, mirror: &dyn Store, name: &str) -> Result<u64> {
    let Some((local, remote)) = mirror_repository(primary, mirror, name).await? else { return Ok(0) };
    let have = mirror.commit_hashes(remote.id).await?;
    let ours = primary.commit_ids(local.id).await?;
    let ours_hashes: HashSet<&str> = ours.iter().map(|(_, h)| h.as_str()).collect();
    let extra: Vec<String> = have.iter().filter(|h| !ours_hashes.contains(h.as_str())).cloned().collect();
    if !extra.is_empty() {
        mirror.delete_commits(remote.id, &extra).await?;
    }
    let missing: Vec<i64> = ours.into_iter().filter(|(_, h)| !have.contains(h)).map(|(id, _)| id).collect();
    let sent = send_chunks(primary, mirror, remote.id, &missing).await?;
    send_refs(primary, mirror, name).await?;
    send_runs(primary, mirror, name).await?;
    Ok(sent)
}

/// Sends these commits again (a repair): removed on the mirror, then stored from the primary.
/// Commits the primary does not have are only removed.
pub async fn resend_commits(primary: &dyn Store, mirror: &dyn Store, name: &str, hashes: &[String]) -> Result<u64> {
    let Some((local, remote)) = mirror_repository(primary, mirror, name).await? else { return Ok(0) };
    mirror.delete_commits(remote.id, hashes).await?;
    let wanted: HashSet<&str> = hashes.iter().map(String::as_str).collect();
    let ids: Vec<i64> = primary
        .commit_ids(local.id)
        .await?
        .into_iter()
        .filter(|(_, h)| wanted.contains(h.as_str()))
        .map(|(id, _)| id)
        .collect();
    send_chunks(primary, mirror, remote.id, &ids).await
}

/// Re-sends a repository's rows outside commits (refs, runs), for a repair.
pub async fn resend_repository_rows(primary: &dyn Store, mirror: &dyn Store, name: &str) -> Result<()> {
    send_refs(primary, mirror, name).await?;
    send_runs(primary, mirror, name).await
}
