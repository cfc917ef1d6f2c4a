//! The ZIP container: writing entries with their sha256 while they are compressed, a seal over the
//! whole file, and reading entries back under strict rules (only expected names, sizes capped by
//! the manifest) so a damaged or hostile archive is refused before anything is trusted.
//!
//! The seal: the archive comment is the sha256 (64 hex characters) of every byte of the file before
//! it. Entry checksums alone would miss a flipped byte in a header field that no reader checks (a
//! modification time, a version); with the seal any single changed byte is detected.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{io_at, BackupError, Result};
use crate::manifest::{Manifest, ManifestEntry, BLOBS_PREFIX, DATABASE_NAME, MANIFEST_MAX_BYTES, MANIFEST_NAME};
use crate::progress::{report, BackupPhase, CancelToken, ProgressFn};

const SEAL_LEN: usize = 64;
const CHUNK: usize = 1024 * 1024;
/// Deflate level for the database: level 1 keeps most of the size gain at a fraction of the time.
const DATABASE_LEVEL: i64 = 1;

/// A file to put into the archive under `name`.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    /// Already compressed data (gzip blobs) is stored as it is.
    pub compress: bool,
}

/// Hashes everything written through it except the last `SEAL_LEN` bytes, which are the comment
/// holding the seal itself.
struct SealWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    pending: Vec<u8>,
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let buf = &buf[..n];
        let combined = self.pending.len() + buf.len();
        if combined > SEAL_LEN {
            let to_hash = combined - SEAL_LEN;
            let from_pending = to_hash.min(self.pending.len());
            self.hasher.update(&self.pending[..from_pending]);
            let from_buf = to_hash - from_pending;
            self.hasher.update(&buf[..from_buf]);
            self.pending.drain(..from_pending);
            self.pending.extend_from_slice(&buf[from_buf..]);
        } else {
            self.pending.extend_from_slice(buf);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `files`, then the manifest `finish` builds from their entries, into `file` (open at
/// `target`, empty), and seals it. The file is fsynced and handed back still open (its lock held);
/// renaming it into place is the caller's job.
pub(crate) fn write_archive(
    file: File,
    target: &Path,
    files: &[SourceFile],
    finish: impl FnOnce(Vec<ManifestEntry>) -> Result<Manifest>,
    progress: &ProgressFn,
    cancel: &CancelToken,
) -> Result<(Manifest, File)> {
    let seal = SealWriter { inner: BufWriter::with_capacity(CHUNK, file), hasher: Sha256::new(), pending: Vec::new() };
    let mut zip = ZipWriter::new_stream(seal);
    let total: u64 = files.iter().map(|f| f.size).sum();
    let mut done = 0u64;
    let mut entries = Vec::with_capacity(files.len() + 1);
    let mut buf = vec![0u8; CHUNK];
    report(progress, BackupPhase::Archive, 0, total);
    for source in files {
        cancel.check()?;
        let options = if source.compress {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(DATABASE_LEVEL))
        } else {
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
        }
        .large_file(source.size >= u32::MAX as u64 / 2)
        .unix_permissions(0o644);
        zip.start_file(source.name.as_str(), options).map_err(zip_err(target))?;
        let mut input = File::open(&source.path).map_err(io_at(&source.path))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        loop {
            cancel.check()?;
            let n = input.read(&mut buf).map_err(io_at(&source.path))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            zip.write_all(&buf[..n]).map_err(io_at(target))?;
            size += n as u64;
            done += n as u64;
            report(progress, BackupPhase::Archive, done, total);
        }
        entries.push(ManifestEntry { name: source.name.clone(), size, sha256: hex::encode(hasher.finalize()) });
    }
    cancel.check()?;
    let manifest = finish(entries)?;
    let json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    zip.start_file(MANIFEST_NAME, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated))
        .map_err(zip_err(target))?;
    zip.write_all(&json).map_err(io_at(target))?;
    zip.set_comment("0".repeat(SEAL_LEN)).map_err(zip_err(target))?;
    let seal = zip.finish().map_err(zip_err(target))?.into_inner();
    debug_assert_eq!(seal.pending, vec![b'0'; SEAL_LEN]);
    let digest = hex::encode(seal.hasher.finalize());
    let mut file = seal.inner.into_inner().map_err(|e| BackupError::Io(format!("{}: {e}", target.display())))?;
    file.seek(SeekFrom::End(-(SEAL_LEN as i64))).map_err(io_at(target))?;
    file.write_all(digest.as_bytes()).map_err(io_at(target))?;
    file.sync_all().map_err(io_at(target))?;
    Ok((manifest, file))
}

fn zip_err(path: &Path) -> impl Fn(zip::result::ZipError) -> BackupError + '_ {
    move |err| BackupError::Io(format!("{}: {err}", path.display()))
}

/// Checks the seal: the archive comment must be the sha256 of every byte before it.
pub(crate) fn check_seal(path: &Path, progress: &ProgressFn, cancel: &CancelToken) -> Result<()> {
    let mut file = File::open(path).map_err(io_at(path))?;
    let len = file.metadata().map_err(io_at(path))?.len();
    if len < (22 + SEAL_LEN) as u64 {
        return Err(BackupError::damaged(path.display(), "the file is too short to be a backup"));
    }
    let body = len - SEAL_LEN as u64;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    let mut reader = (&mut file).take(body);
    loop {
        cancel.check()?;
        let n = reader.read(&mut buf).map_err(io_at(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        report(progress, BackupPhase::Verify, done, len);
    }
    let mut stored = [0u8; SEAL_LEN];
    file.read_exact(&mut stored).map_err(io_at(path))?;
    if done != body || stored != hex::encode(hasher.finalize()).as_bytes() {
        return Err(BackupError::damaged(path.display(), "the archive checksum does not match its contents"));
    }
    Ok(())
}

/// The path an archive entry name stands for, if it is one a RepoVault backup can contain:
/// `manifest.json`, `database.sqlite` or `blobs/<relative path>` — never absolute, never `..`.
pub(crate) fn expected_entry_path(name: &str) -> std::result::Result<PathBuf, String> {
    if name == MANIFEST_NAME || name == DATABASE_NAME {
        return Ok(PathBuf::from(name));
    }
    let Some(rest) = name.strip_prefix(BLOBS_PREFIX) else {
        return Err(format!("unexpected entry {name:?}"));
    };
    if name.contains('\\') || name.contains('\0') || name.contains(':') {
        return Err(format!("entry {name:?} has characters a backup never uses"));
    }
    let mut path = PathBuf::from("blobs");
    for part in rest.split('/') {
        match part {
            "" | "." => return Err(format!("entry {name:?} has an empty or '.' path component")),
            ".." => return Err(format!("entry {name:?} climbs out of its folder with '..'")),
            _ => path.push(part),
        }
    }
    // Belt and braces: whatever the platform thinks of the name, it must stay relative and plain.
    if !path.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!("entry {name:?} is not a plain relative path"));
    }
    Ok(path)
}

/// An opened archive whose manifest was read and whose entry list matches it.
pub(crate) struct OpenArchive {
    pub zip: ZipArchive<BufReader<File>>,
    pub manifest: Manifest,
    /// Zip index of each manifest entry, in manifest order.
    pub indexes: Vec<usize>,
    pub path: PathBuf,
}

/// Opens an archive and reads its manifest, refusing anything a RepoVault backup never holds:
/// names outside the expected set (absolute, `..`, other files), symlinks, directories, duplicates,
/// entries whose declared size differs from the manifest's.
pub(crate) fn open(path: &Path) -> Result<OpenArchive> {
    let file = File::open(path).map_err(io_at(path))?;
    let shown = path.display();
    let mut zip = ZipArchive::new(BufReader::new(file))
        .map_err(|e| BackupError::damaged(&shown, format!("not a readable ZIP archive: {e}")))?;
    let mut seen = HashSet::new();
    let mut by_name = std::collections::HashMap::new();
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| BackupError::damaged(&shown, format!("entry {index}: {e}")))?;
        let name = String::from_utf8(entry.name_raw().to_vec())
            .map_err(|_| BackupError::hostile(&shown, format!("entry {index} has a name that is not UTF-8")))?;
        expected_entry_path(&name).map_err(|reason| BackupError::hostile(&shown, reason))?;
        if entry.is_symlink() || entry.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000) {
            return Err(BackupError::hostile(&shown, format!("entry {name:?} is a symbolic link")));
        }
        if entry.is_dir() {
            return Err(BackupError::hostile(&shown, format!("entry {name:?} is a directory")));
        }
        if entry.encrypted() {
            return Err(BackupError::hostile(&shown, format!("entry {name:?} uses ZIP encryption")));
        }
        if !seen.insert(name.clone()) {
            return Err(BackupError::hostile(&shown, format!("entry {name:?} appears twice")));
        }
        by_name.insert(name, (index, entry.size()));
    }
    let &(manifest_index, manifest_size) =
        by_name.get(MANIFEST_NAME).ok_or_else(|| BackupError::damaged(&shown, "it has no manifest.json"))?;
    if manifest_size > MANIFEST_MAX_BYTES {
        return Err(BackupError::hostile(&shown, "manifest.json is implausibly large"));
    }
    let mut json = Vec::new();
    {
        let entry =
            zip.by_index(manifest_index).map_err(|e| BackupError::damaged(&shown, format!("manifest.json: {e}")))?;
        entry
            .take(MANIFEST_MAX_BYTES + 1)
            .read_to_end(&mut json)
            .map_err(|e| BackupError::damaged(&shown, format!("manifest.json cannot be read: {e}")))?;
    }
    if json.len() as u64 > MANIFEST_MAX_BYTES {
        return Err(BackupError::hostile(&shown, "manifest.json inflates past its limit"));
    }
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|e| BackupError::damaged(&shown, format!("manifest.json is not a valid manifest: {e}")))?;
    if manifest.format_version > crate::manifest::FORMAT_VERSION || manifest.format_version == 0 {
        return Err(BackupError::damaged(
            &shown,
            format!("format version {} is not one this RepoVault reads", manifest.format_version),
        ));
    }
    let mut indexes = Vec::with_capacity(manifest.entries.len());
    for entry in &manifest.entries {
        if entry.name == MANIFEST_NAME {
            return Err(BackupError::damaged(&shown, "the manifest lists itself"));
        }
        expected_entry_path(&entry.name).map_err(|reason| BackupError::hostile(&shown, reason))?;
        let &(index, size) = by_name
            .get(&entry.name)
            .ok_or_else(|| BackupError::damaged(&shown, format!("entry {:?} is missing", entry.name)))?;
        if size != entry.size {
            return Err(BackupError::hostile(
                &shown,
                format!("entry {:?} declares {size} bytes but the manifest says {}", entry.name, entry.size),
            ));
        }
        indexes.push(index);
    }
    if by_name.len() != manifest.entries.len() + 1 {
        let listed: HashSet<&str> = manifest.entries.iter().map(|e| e.name.as_str()).collect();
        let extra = by_name.keys().find(|n| *n != MANIFEST_NAME && !listed.contains(n.as_str()));
        return Err(BackupError::hostile(
            &shown,
            format!("entry {:?} is not in the manifest", extra.unwrap_or(&String::new())),
        ));
    }
    Ok(OpenArchive { zip, manifest, indexes, path: path.to_path_buf() })
}

impl OpenArchive {
    /// Decompresses every entry, never reading past the size the manifest declares (a bomb stops
    /// there), and checks its sha256. With `into`, the database (and with `extract_blobs` every
    /// entry, as a restore needs; a bomb is then an error at once) is also written below that folder.
    /// Returns the problems found (empty: all good); I/O failures of `into` are errors.
    pub(crate) fn check_entries(
        &mut self,
        into: Option<&Path>,
        extract_blobs: bool,
        progress: &ProgressFn,
        cancel: &CancelToken,
    ) -> Result<Vec<String>> {
        let shown = self.path.display().to_string();
        let total = self.manifest.total_size();
        let phase = if into.is_some() { BackupPhase::Extract } else { BackupPhase::Verify };
        let mut done = 0u64;
        let mut problems = Vec::new();
        let mut buf = vec![0u8; CHUNK];
        for (entry, &index) in self.manifest.entries.iter().zip(&self.indexes) {
            cancel.check()?;
            let mut out = match into {
                Some(dir) if extract_blobs || entry.name == DATABASE_NAME => {
                    let relative = expected_entry_path(&entry.name).map_err(|r| BackupError::hostile(&shown, r))?;
                    let target = dir.join(relative);
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent).map_err(io_at(parent))?;
                    }
                    Some((BufWriter::new(File::create(&target).map_err(io_at(&target))?), target))
                }
                _ => None,
            };
            let mut zipped = match self.zip.by_index(index) {
                Ok(z) => z,
                Err(e) => {
                    problems.push(format!("{}: cannot be read: {e}", entry.name));
                    continue;
                }
            };
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut limited = (&mut zipped).take(entry.size + 1);
            let outcome = loop {
                cancel.check()?;
                match limited.read(&mut buf) {
                    Ok(0) => break Ok(()),
                    Ok(n) => {
                        size += n as u64;
                        if size > entry.size {
                            break Err(format!(
                                "{}: inflates past the {} bytes the manifest declares",
                                entry.name, entry.size
                            ));
                        }
                        hasher.update(&buf[..n]);
                        if let Some((writer, target)) = out.as_mut() {
                            writer.write_all(&buf[..n]).map_err(io_at(target))?;
                        }
                        done += n as u64;
                        report(progress, phase, done, total);
                    }
                    Err(e) => break Err(format!("{}: cannot be decompressed: {e}", entry.name)),
                }
            };
            match outcome {
                Err(problem) => {
                    if problem.contains("inflates past") && extract_blobs {
                        return Err(BackupError::hostile(&shown, problem));
                    }
                    problems.push(problem);
                }
                Ok(()) if size != entry.size => {
                    problems.push(format!("{}: {size} bytes instead of {}", entry.name, entry.size))
                }
                Ok(()) if hex::encode(hasher.finalize()) != entry.sha256 => {
                    problems.push(format!("{}: the sha256 does not match the manifest", entry.name))
                }
                Ok(()) => {}
            }
            if let Some((writer, target)) = out {
                let file = writer.into_inner().map_err(|e| BackupError::Io(format!("{}: {e}", target.display())))?;
                file.sync_all().map_err(io_at(&target))?;
            }
        }
        Ok(problems)
    }
}
