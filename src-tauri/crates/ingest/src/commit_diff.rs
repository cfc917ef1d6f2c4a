//! One commit turned into storage rows: header fields with `.mailmap` applied (the raw identity
//! kept when it differs), and per-file changes against the first parent (the empty tree for a
//! root commit) with git's default rename detection, binary flag, line counts and unified diff
//! text with 3 lines of context — what `git log -p --diff-merges=first-parent` shows.

use gix::bstr::{BStr, ByteSlice};
use gix::diff::blob::unified_diff::{ConsumeBinaryHunk, ContextSize};
use gix::diff::blob::{Algorithm, Diff, UnifiedDiff};
use gix::objs::tree::EntryMode;
use gix::ObjectId;
use repovault_storage::{ChangeKind, Identity, NewCommit, NewFileChange, Signature};

use crate::error::IngestError;
use crate::import::ImportDetail;

/// Delta bases kept decoded per worker. 8 MiB rather than 16: 15-24 MiB less anonymous memory at
/// the peak of generated 20k and 100k imports, and no more CPU time within the noise. One 16 MiB
/// cache shared by the workers (behind a mutex) saved ~5 % of CPU on pallets/flask but on
/// generated 100k took 1-4 s longer and its peak from ~250 to ~295 MiB, so each keeps its own.
const PACK_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// git treats a file as binary when its first 8000 bytes hold a NUL.
const BINARY_PROBE: usize = 8000;

/// Per-worker state: a repository handle with its own object cache, the mailmap, and reusable
/// diff buffers.
pub struct CommitDiffer {
    repo: gix::Repository,
    mailmap: gix::mailmap::Snapshot,
    resource_cache: gix::diff::blob::Platform,
    tree_state: gix::diff::tree::State,
    /// Commits at a shallow clone's boundary: their parents are not here, so, as git does, they
    /// are diffed like root commits.
    shallow_boundary: std::collections::HashSet<ObjectId>,
    detail: ImportDetail,
    compressor: repovault_storage::blob::DiffCompressor,
    /// Read the lines each diff adds and removes (for `change:` searches), here on the worker.
    pub change_lines: bool,
    /// Keep diff texts as plain `diff` bytes (for showing one) instead of compressing them to store.
    pub keep_text: bool,
    /// The two sides' file contents, read into the same buffers for every file: a fresh `Vec` per
    /// blob left glibc's arenas holding hundreds of MiB on long histories.
    old_blob: Vec<u8>,
    new_blob: Vec<u8>,
}

impl CommitDiffer {
    pub fn new(shared: &gix::ThreadSafeRepository, detail: ImportDetail) -> Result<CommitDiffer, IngestError> {
        let mut repo = shared.to_thread_local();
        use_delta_base_cache(&mut repo);
        let mailmap = repo.open_mailmap();
        let resource_cache =
            repo.diff_resource_cache_for_tree_diff().map_err(|e| IngestError::git("cannot prepare diffing", e))?;
        let shallow_boundary = repo
            .shallow_commits()
            .map_err(|e| IngestError::git("cannot read the shallow file", e))?
            .map(|commits| commits.iter().copied().collect())
            .unwrap_or_default();
        Ok(CommitDiffer {
            repo,
            mailmap,
            resource_cache,
            tree_state: Default::default(),
            shallow_boundary,
            detail,
            compressor: Default::default(),
            change_lines: true,
            keep_text: false,
            old_blob: Vec::new(),
            new_blob: Vec::new(),
        })
    }

    pub fn commit(&mut self, id: ObjectId) -> Result<(NewCommit, Vec<NewFileChange>), IngestError> {
        let commit =
            self.repo.find_commit(id).map_err(|e| IngestError::git(format!("commit {id} cannot be read"), e))?;
        let decoded = commit.decode().map_err(|e| IngestError::git(format!("commit {id} is corrupt"), e))?;
        let parents: Vec<ObjectId> = decoded.parents().collect();
        let malformed = |e| IngestError::git(format!("commit {id} has a malformed signature"), e);
        let (author, raw_author) = self.signature(id, decoded.author().map_err(malformed)?)?;
        let (committer, raw_committer) = self.signature(id, decoded.committer().map_err(malformed)?)?;
        let (message, message_bytes) = text_and_bytes(decoded.message);
        let tree_id = decoded.tree();
        let header = NewCommit {
            hash: id.to_string(),
            parents: parents.iter().map(ToString::to_string).collect(),
            author,
            committer,
            message,
            raw_author,
            raw_committer,
            message_bytes,
            ..NewCommit::default()
        };
        // The commit borrows the repository handle; release it before diffing needs it mutably.
        drop(decoded);
        drop(commit);
        if self.detail == ImportDetail::Metadata {
            return Ok((header, Vec::new()));
        }
        let old_tree = match parents.first() {
            Some(parent) if !self.shallow_boundary.contains(&id) => Some(self.tree_of(*parent)?),
            _ => None,
        };
        let new_tree = self.tree_data(tree_id, id)?;
        let changes = self.changes(old_tree.as_deref(), &new_tree, id, None)?;
        Ok((header, changes))
    }

    /// The changes from one commit's tree to another's, as `git diff FROM TO` lists them (rename
    /// detection on): what a comparison of two revisions shows.
    pub fn between(&mut self, from: ObjectId, to: ObjectId) -> Result<Vec<NewFileChange>, IngestError> {
        let old = self.tree_of(from)?;
        let new = self.tree_of(to)?;
        self.changes(Some(&old), &new, to, None)
    }

    /// One file's change from one commit's tree to another's (with its diff text when the differ
    /// was made with `ImportDetail::Full`, as plain bytes with `keep_text`): what
    /// `git diff FROM TO -- PATH` shows for a file of [`CommitDiffer::between`]'s list (renames
    /// are detected over the whole trees, so a renamed file is found under its new path).
    pub fn file_between(
        &mut self,
        from: ObjectId,
        to: ObjectId,
        path: &str,
    ) -> Result<Option<NewFileChange>, IngestError> {
        let old = self.tree_of(from)?;
        let new = self.tree_of(to)?;
        Ok(self.changes(Some(&old), &new, to, Some(path.as_bytes().as_bstr()))?.pop())
    }

    fn signature(
        &self,
        id: ObjectId,
        raw: gix::actor::SignatureRef<'_>,
    ) -> Result<(Signature, Option<Identity>), IngestError> {
        let time = raw.time().map_err(|e| IngestError::git(format!("commit {id} has a malformed time"), e))?;
        let mapped = self.mailmap.resolve(raw);
        let raw_identity =
            Identity { name: raw.name.to_str_lossy().into_owned(), email: raw.email.to_str_lossy().into_owned() };
        let signature = Signature {
            name: mapped.name.to_str_lossy().into_owned(),
            email: mapped.email.to_str_lossy().into_owned(),
            time: time.seconds,
            tz_offset_minutes: time.offset / 60,
        };
        let changed = signature.name != raw_identity.name || signature.email != raw_identity.email;
        Ok((signature, changed.then_some(raw_identity)))
    }

    fn tree_of(&self, commit: ObjectId) -> Result<Vec<u8>, IngestError> {
        let parent = self
            .repo
            .find_commit(commit)
            .map_err(|e| IngestError::git(format!("parent commit {commit} cannot be read"), e))?;
        let tree = parent.tree_id().map_err(|e| IngestError::git(format!("commit {commit} is corrupt"), e))?;
        self.tree_data(tree.detach(), commit)
    }

    fn tree_data(&self, tree: ObjectId, commit: ObjectId) -> Result<Vec<u8>, IngestError> {
        let object = self
            .repo
            .find_object(tree)
            .map_err(|e| IngestError::git(format!("tree {tree} of commit {commit} cannot be read"), e))?;
        Ok(object.detach().data)
    }

    /// The file changes between two trees; with `only`, just the change whose (new) path it is.
    fn changes(
        &mut self,
        old: Option<&[u8]>,
        new: &[u8],
        id: ObjectId,
        only: Option<&BStr>,
    ) -> Result<Vec<NewFileChange>, IngestError> {
        let hash_kind = self.repo.object_hash();
        let empty: &[u8] = &[];
        let mut detached = Vec::new();
        self.resource_cache.clear_resource_cache_keep_allocation();
        let mut options = gix::diff::Options::default();
        options.track_rewrites(Some(gix::diff::Rewrites::default()));
        gix::diff::tree_with_rewrites(
            gix::objs::TreeRefIter::from_bytes(old.unwrap_or(empty), hash_kind),
            gix::objs::TreeRefIter::from_bytes(new, hash_kind),
            &mut self.resource_cache,
            &mut self.tree_state,
            &self.repo.objects,
            |change| {
                detached.push(change.into_owned());
                Ok(std::ops::ControlFlow::Continue(()))
            },
            options.into(),
        )
        .map_err(|e| IngestError::git(format!("cannot diff commit {id}"), e))?;

        let mut changes = Vec::with_capacity(detached.len());
        for change in detached {
            use gix::diff::tree_with_rewrites::Change;
            let (kind, location, old_path, before, after) = match change {
                Change::Addition { location, entry_mode, id, .. } => {
                    (ChangeKind::Added, location, None, None, Some((entry_mode, id)))
                }
                Change::Deletion { location, entry_mode, id, .. } => {
                    (ChangeKind::Deleted, location, None, Some((entry_mode, id)), None)
                }
                Change::Modification { location, previous_entry_mode, previous_id, entry_mode, id } => (
                    ChangeKind::Modified,
                    location,
                    None,
                    Some((previous_entry_mode, previous_id)),
                    Some((entry_mode, id)),
                ),
                Change::Rewrite {
                    source_location,
                    source_entry_mode,
                    source_id,
                    entry_mode,
                    id,
                    location,
                    copy,
                    ..
                } => (
                    if copy { ChangeKind::Copied } else { ChangeKind::Renamed },
                    location,
                    Some(source_location),
                    Some((source_entry_mode, source_id)),
                    Some((entry_mode, id)),
                ),
            };
            let is_tree = |side: &Option<(EntryMode, ObjectId)>| side.is_some_and(|(mode, _)| mode.is_tree());
            if is_tree(&before) || is_tree(&after) || only.is_some_and(|path| path != location.as_bstr()) {
                continue;
            }
            changes.push(self.file_change(
                kind,
                location.as_ref(),
                old_path.as_ref().map(|p| p.as_ref()),
                before,
                after,
            )?);
        }
        Ok(changes)
    }

    fn file_change(
        &mut self,
        kind: ChangeKind,
        path: &BStr,
        old_path: Option<&BStr>,
        before: Option<(EntryMode, ObjectId)>,
        after: Option<(EntryMode, ObjectId)>,
    ) -> Result<NewFileChange, IngestError> {
        let (path, path_bytes) = text_and_bytes(path);
        let (old_path, old_path_bytes) = match old_path {
            Some(p) => {
                let (text, bytes) = text_and_bytes(p);
                (Some(text), bytes)
            }
            None => (None, None),
        };
        let mut change = NewFileChange { path, old_path, kind, path_bytes, old_path_bytes, ..NewFileChange::default() };
        let is_submodule = |side: &Option<(EntryMode, ObjectId)>| side.is_some_and(|(mode, _)| mode.is_commit());
        if is_submodule(&before) || is_submodule(&after) {
            // git shows a submodule pointer as one "Subproject commit" line per side.
            change.is_submodule = true;
            change.additions = Some(i64::from(after.is_some()));
            change.deletions = Some(i64::from(before.is_some()));
            return Ok(change);
        }
        let old = read_blob(&self.repo.objects, before, &mut self.old_blob)?;
        let new = read_blob(&self.repo.objects, after, &mut self.new_blob)?;
        let probe = |data: &[u8]| data[..data.len().min(BINARY_PROBE)].contains(&0);
        if probe(old) || probe(new) {
            change.is_binary = true;
            return Ok(change);
        }
        let input = crate::line_tokens::intern_lines(old, new);
        let diff = Diff::compute(Algorithm::Myers, &input);
        change.additions = Some(i64::from(diff.count_additions()));
        change.deletions = Some(i64::from(diff.count_removals()));
        let has_text = change.additions != Some(0) || change.deletions != Some(0);
        if has_text && self.detail == ImportDetail::Full {
            let text =
                UnifiedDiff::new(&diff, &input, ConsumeBinaryHunk::new(Vec::new(), "\n"), ContextSize::symmetrical(3))
                    .consume()
                    .map_err(|e| IngestError::git(format!("cannot render the diff of {}", change.path), e))?;
            if self.keep_text {
                change.diff = Some(text);
                return Ok(change);
            }
            // Hash and compress here, on the worker's thread, rather than in the single writer;
            // the changed lines for the change index too.
            if self.change_lines {
                change.change_lines = repovault_storage::search_text::ChangeLines::of_diff(&text);
            }
            change.prepared_diff = Some(self.compressor.prepare(&text));
        }
        Ok(change)
    }
}

/// Gives `repo` a delta-base cache of its own and no object cache. Measured on a 20k-commit
/// history: a delta-base cache per worker cuts object decoding by a fifth, while an object cache
/// only adds look-ups (most blobs are read once). With the patched gix-pack (`vendor/gix-pack`)
/// the cache also holds the full objects delta chains start from.
fn use_delta_base_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(PACK_CACHE_BYTES)));
    repo.objects.unset_object_cache();
}

/// Blob buffers larger than this are given back after use rather than kept for the next file.
const KEPT_BLOB_BUFFER: usize = 8 * 1024 * 1024;

/// The contents of one side of a file change (empty for a side that does not exist), read into
/// `buffer`.
fn read_blob<'a>(
    objects: &gix::OdbHandle,
    side: Option<(EntryMode, ObjectId)>,
    buffer: &'a mut Vec<u8>,
) -> Result<&'a [u8], IngestError> {
    use gix::objs::FindExt;
    if buffer.capacity() > KEPT_BLOB_BUFFER {
        *buffer = Vec::new();
    }
    let Some((_, id)) = side else { return Ok(&[]) };
    let blob = objects.find_blob(&id, buffer).map_err(|e| IngestError::git(format!("blob {id} cannot be read"), e))?;
    Ok(blob.data)
}

/// Text for display and search, plus the exact bytes when they are not valid UTF-8.
fn text_and_bytes(bytes: &BStr) -> (String, Option<Vec<u8>>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => (bytes.to_str_lossy().into_owned(), Some(bytes.to_vec())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use gix::odb::pack::cache::DecodeEntry;
    use gix::prelude::FindExt;
    use repovault_testkit::git::{commit_files, git, git_text, init_repo};

    /// The import's delta-base cache, counting the look-ups it answers.
    struct CountingCache {
        inner: gix::odb::pack::cache::lru::MemoryCappedHashmap,
        hits: Arc<AtomicUsize>,
    }

    impl DecodeEntry for CountingCache {
        fn put(&mut self, pack_id: u32, offset: u64, data: &[u8], kind: gix::object::Kind, compressed_size: usize) {
            self.inner.put(pack_id, offset, data, kind, compressed_size);
        }

        fn get(&mut self, pack_id: u32, offset: u64, out: &mut Vec<u8>) -> Option<(gix::object::Kind, usize)> {
            let found = self.inner.get(pack_id, offset, out);
            if found.is_some() {
                self.hits.fetch_add(1, Ordering::SeqCst);
            }
            found
        }
    }

    /// gix-pack 0.76 inflated a delta chain's base again for every object built on it, and read a
    /// full object without asking the cache; `vendor/gix-pack` caches the base when it resolves a
    /// chain and answers later reads of it from there. This fails on an unpatched gix-pack.
    #[test]
    fn a_delta_base_is_inflated_once_and_then_read_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init_repo(dir.path(), "repo");
        // One file in many versions, each a line longer: git stores them as deltas of each other.
        let mut text: String =
            (0..200).map(|i| format!("line {i} of a file that changes a little each time\n")).collect();
        for version in 0..12 {
            text.push_str(&format!("version {version}\n"));
            commit_files(
                &repo,
                &[("notes.txt", &text)],
                ("Tess Ter", "tess@example.com"),
                "2024-01-01T00:00:00",
                "edit",
            );
        }
        git(&repo, &["repack", "-adf", "--depth=50", "--window=50", "-q"]);
        let pack_index = git_text(&repo, &["rev-parse", "--git-path", "objects/pack"]);
        let index = std::fs::read_dir(repo.join(pack_index))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .unwrap();
        // `verify-pack -v`: id, type, size, packed size, offset, then depth and base for a delta.
        let listing = git(&repo, &["verify-pack", "-v", index.to_str().unwrap()]);
        let (delta, base) = listing
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .find(|fields| fields.len() == 7 && fields[1] == "blob" && fields[5] == "1")
            .map(|fields| (fields[0].to_string(), fields[6].to_string()))
            .expect("a blob stored as a delta of a full blob");

        let mut handle = crate::repo::open(&repo).unwrap().to_thread_local();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        handle.objects.set_pack_cache(move || {
            Box::new(CountingCache {
                inner: gix::odb::pack::cache::lru::MemoryCappedHashmap::new(super::PACK_CACHE_BYTES),
                hits: counted.clone(),
            })
        });
        handle.objects.unset_object_cache();
        let mut buffer = Vec::new();
        let mut read = |id: &str| -> Vec<u8> {
            let id = gix::ObjectId::from_hex(id.as_bytes()).unwrap();
            handle.objects.find_blob(&id, &mut buffer).unwrap().data.to_vec()
        };
        let cat = |id: &str| repovault_testkit::git::git_bytes(&repo, &["cat-file", "blob", id]);

        assert_eq!(read(&delta), cat(&delta));
        assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was cached before");
        assert_eq!(read(&base), cat(&base), "the base read from the cache is the object git reads");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "the base came from the cache, not from the pack again");
    }
}
