//! The one cancellation token of RepoVault's long work (import, backup, restore, analysis,
//! export): the app and the CLI hand the same token to every step of a workflow, so cancelling an
//! import also cancels the backup it started first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set it from another task or thread; the work stops at its next check.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

/// What `CancelToken::check` returns once cancelled; every crate's error has a `From` for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// The flag itself, for libraries that poll an `AtomicBool` (gix's transfers).
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` once cancelled, for `?` between steps.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_flag() {
        let token = CancelToken::new();
        let other = token.clone();
        assert_eq!(token.check(), Ok(()));
        other.cancel();
        assert!(token.is_cancelled());
        assert_eq!(token.check(), Err(Cancelled));
    }
}
