//! Keeps the pack files' pages from piling up in an import's resident set. gix maps every pack
//! whole, and each page the history walk or a diff worker reads stays mapped until the import
//! ends, together with the neighbours the kernel maps along with it on each fault (64 KiB, or a
//! whole large folio of the page cache on recent kernels): on a
//! 100k-commit history the whole 267 MB pack ended up resident, the larger part of the import's
//! peak, and it grows with the pack. As they pile up (`ReleaseWhileRunning`) those pages are
//! unmapped from the process; they stay in the kernel's page cache (shared and reclaimable, like a
//! file read with `read`), and the next read of one maps it again with a minor fault, no disk
//! access.
//!
//! Freed heap memory is handed back to the system sooner as well (`return_freed_memory_sooner`).
//!
//! Linux only (elsewhere this does nothing); `unsafe` is confined to the `madvise`, `mallopt` and
//! `sysconf` calls.
#![allow(unsafe_code)]

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Unmaps the packs' pages on a thread of its own until dropped, each time the process has mapped
/// `MAPPED_SINCE_RELEASE` more of files since the last time: it reads its resident file-backed
/// size (`/proc/self/statm`, a few microseconds) every `POLL_EVERY`, and the mappings (which cost
/// more, ~2 ms for a webview's 4,000) only then.
///
/// Releasing on a timer instead (every 250, 50, then 25 ms: generated 100k's file-backed peak went
/// 230-245 → 135-180 → 108-111 MiB then) left the peak to how much the workers mapped between two
/// passes: on a later, faster machine generated 100k peaked at 238-305 MiB over eleven runs of one
/// build, the file-backed part 145-185. By size, alternating with that build (three runs each):
/// 191-207 MiB against 242-303, the same wall and CPU time within the noise (23.5-26.0 s against
/// 23.1-27.6); 64 MiB since the last release: 223-237.
pub(crate) struct ReleaseWhileRunning {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// See `ReleaseWhileRunning`.
const POLL_EVERY: Duration = Duration::from_millis(5);
const MAPPED_SINCE_RELEASE: u64 = 32 * 1024 * 1024;

impl ReleaseWhileRunning {
    pub(crate) fn start() -> ReleaseWhileRunning {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = stop.clone();
        let thread = std::thread::Builder::new()
            .name("memory-release".into())
            .spawn(move || {
                let (stopped, wake) = &*signal;
                let mut done = stopped.lock().unwrap_or_else(|e| e.into_inner());
                let mut after_release = mapped_file_bytes();
                while !*done {
                    done = wake.wait_timeout(done, POLL_EVERY).unwrap_or_else(|e| e.into_inner()).0;
                    // Without `/proc` (not Linux) there is nothing to watch, nor to release.
                    let (false, Some(since), Some(now)) = (*done, after_release, mapped_file_bytes()) else { break };
                    after_release = if time_to_release(since, now) {
                        release_pack_pages(LEFT_MAPPED_BELOW);
                        mapped_file_bytes()
                    } else {
                        // Pages the kernel took back lower the mark.
                        Some(since.min(now))
                    };
                }
            })
            .ok();
        ReleaseWhileRunning { stop, thread }
    }
}

impl Drop for ReleaseWhileRunning {
    fn drop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Whether the process has mapped enough of files since the last release (`since` bytes resident
/// then, `now` bytes now) to release again.
fn time_to_release(since: u64, now: u64) -> bool {
    now >= since.saturating_add(MAPPED_SINCE_RELEASE)
}

/// The process's resident file-backed (and shared) memory, from `/proc/self/statm`.
fn mapped_file_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let shared_pages: u64 = statm.split_ascii_whitespace().nth(2)?.parse().ok()?;
    Some(shared_pages * page_size())
}

#[cfg(target_os = "linux")]
fn page_size() -> u64 {
    // SAFETY: `sysconf` only reads a system constant.
    let bytes = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(bytes).ok().filter(|&b| b > 0).unwrap_or(4096)
}

#[cfg(not(target_os = "linux"))]
fn page_size() -> u64 {
    4096
}

/// glibc's allocator keeps what a thread frees for its next allocations, and by default raises
/// the size it serves from `mmap` each time a large block is freed, so that large blocks come
/// from the threads' heaps afterwards and their holes stay resident: an import's anonymous memory
/// grew from ~70 to ~190 MiB over a 100k-commit history while the live heap stayed between 70 and
/// 110 (heaptrack). Here blocks from 128 KiB up are mapped and unmapped on their own, and a heap's
/// free top is returned past 128 KiB. Generated 100k, anonymous peak: 116-118 MiB against 156
/// without (one run each); generated 20k: 75-85 against 92-93 (two runs each), for ~0.3-0.5 s
/// more system time (the pages mapped again). Process-wide and kept after the import (the app's later imports
/// want it too); glibc only.
pub(crate) fn return_freed_memory_sooner() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        const BYTES: libc::c_int = 128 * 1024;
        // SAFETY: `mallopt` only changes the allocator's tuning parameters; any value is valid.
        ONCE.call_once(|| unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, BYTES);
            libc::mallopt(libc::M_TRIM_THRESHOLD, BYTES);
        });
    }
}

/// Packs smaller than this are left mapped whole: their pages cost at most this much, and mapping
/// them again cost time (pallets/flask, a 34 MB pack: 3.4 s instead of 3.0, three runs each).
const LEFT_MAPPED_BELOW: usize = 128 * 1024 * 1024;

/// Unmaps the resident pages of every mapped pack file of at least `min_bytes`.
#[cfg(target_os = "linux")]
pub(crate) fn release_pack_pages(min_bytes: usize) {
    linux::release(min_bytes)
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn release_pack_pages(_min_bytes: usize) {}

#[cfg(target_os = "linux")]
mod linux {
    pub(super) fn release(min_bytes: usize) {
        if let Ok(maps) = std::fs::read_to_string("/proc/self/maps") {
            for (start, end) in pack_mappings(&maps).into_iter().filter(|(start, end)| end - start >= min_bytes) {
                // SAFETY: the range is a whole read-only mapping of a pack file (gix maps packs with
                // `PROT_READ` and `MAP_PRIVATE`, so no page of it was ever written or copied).
                // `MADV_DONTNEED` only unmaps its pages from this process: a later read faults the
                // file's bytes back in from the page cache, and git never rewrites a pack in place,
                // so no reader, on any thread, sees different contents.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
                }
            }
        }
    }

    /// The address ranges of read-only mappings of pack files (`…/objects/pack/*.pack`) in a
    /// `/proc/self/maps` listing: `start-end perms offset dev inode path`.
    pub(super) fn pack_mappings(maps: &str) -> Vec<(usize, usize)> {
        maps.lines()
            .filter_map(|line| {
                let mut fields = line.split_ascii_whitespace();
                let range = fields.next()?;
                let perms = fields.next()?;
                let path = fields.nth(3)?;
                // A deleted pack shows " (deleted)" after its path and is left alone.
                let is_pack = path.ends_with(".pack") && path.contains("/objects/pack/");
                if !is_pack || fields.next().is_some() || !perms.starts_with("r-") {
                    return None;
                }
                let (start, end) = range.split_once('-')?;
                let (start, end) = (usize::from_str_radix(start, 16).ok()?, usize::from_str_radix(end, 16).ok()?);
                (end > start).then_some((start, end))
            })
            .collect()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::linux::pack_mappings;

    #[test]
    fn pages_are_released_once_enough_more_are_mapped() {
        let mib = 1024 * 1024;
        assert!(!super::time_to_release(100 * mib, 100 * mib));
        assert!(!super::time_to_release(100 * mib, 131 * mib));
        assert!(super::time_to_release(100 * mib, 132 * mib));
        // Fewer pages than at the last release (the kernel took some back): nothing to do.
        assert!(!super::time_to_release(100 * mib, 20 * mib));
    }

    #[test]
    fn the_resident_file_backed_size_is_read() {
        // This test's own binary is a mapped file with pages resident.
        let bytes = super::mapped_file_bytes().expect("/proc/self/statm");
        assert!(bytes > 1024 * 1024, "{bytes} bytes");
        assert!(super::page_size().is_power_of_two() && super::page_size() >= 4096);
    }

    #[test]
    fn only_read_only_pack_mappings_are_picked() {
        let maps = "\
7f00a0000000-7f00a1000000 r--s 00000000 08:01 1234 /repo/.git/objects/pack/pack-ab.pack
7f00a1000000-7f00a1100000 r--s 00000000 08:01 1235 /repo/.git/objects/pack/pack-ab.idx
7f00a2000000-7f00a3000000 r--s 00000000 08:01 1236 /repo/.git/objects/pack/pack-cd.pack (deleted)
7f00a3000000-7f00a4000000 rw-p 00000000 08:01 1237 /repo/.git/objects/pack/pack-ef.pack
7f00a4000000-7f00a5000000 r--p 00000000 08:01 1238 /repo/.git/objects/pack/pack-gh.pack
7f00a5000000-7f00a6000000 r--s 00000000 08:01 1239 /home/me/notes/objects.pack
7f00a6000000-7f00a6100000 rw-p 00000000 00:00 0 
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
garbage line
";
        assert_eq!(pack_mappings(maps), vec![(0x7f00a0000000, 0x7f00a1000000), (0x7f00a4000000, 0x7f00a5000000)]);
    }

    #[test]
    fn a_pack_read_through_gix_is_released_and_still_reads_the_same() {
        use gix::prelude::FindExt;
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        repovault_testkit::git::make_repo(&repo, 40);
        repovault_testkit::git::git(&repo, &["gc", "-q"]);
        let handle = crate::repo::open(&repo).unwrap().to_thread_local();
        let read_all = || -> Vec<Vec<u8>> {
            let mut ids: Vec<gix::ObjectId> = Vec::new();
            handle.objects.iter().unwrap().for_each(|id| ids.push(id.unwrap()));
            ids.sort();
            let mut buf = Vec::new();
            ids.iter().map(|id| handle.objects.find(id, &mut buf).unwrap().data.to_vec()).collect()
        };
        let before = read_all();
        assert!(before.len() > 100, "the fixture has objects: {}", before.len());
        // The resident KiB of this test's pack mappings (other tests may map packs meanwhile).
        let resident = || -> u64 {
            let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
            let mut ours = false;
            let mut kib = 0;
            for line in smaps.lines() {
                if line.split_ascii_whitespace().next().is_some_and(|f| f.contains('-') && !f.ends_with(':')) {
                    ours = line.contains(dir.path().to_str().unwrap()) && line.ends_with(".pack");
                } else if let Some(value) = line.strip_prefix("Rss:").filter(|_| ours) {
                    kib += value.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap();
                }
            }
            kib
        };
        assert!(resident() > 0, "gix mapped the pack and read it");

        super::release_pack_pages(0);

        assert_eq!(resident(), 0, "the pack's pages are no longer mapped");
        // The mapping stays; its pages come back from the page cache as they are read.
        assert_eq!(read_all(), before);
        assert!(resident() > 0);
    }
}
