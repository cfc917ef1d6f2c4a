//! Progress reports and cancellation for long analyses (like the import's).

use std::sync::Arc;

/// How far an analysis is: a phase (the kind, or a step such as reading files) and done/total in
/// that phase's units.
pub type AnalysisProgress = repovault_storage::Progress<String>;

/// The callback that receives progress (called from worker threads too).
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(AnalysisProgress) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl Progress {
    pub fn new(callback: impl Fn(AnalysisProgress) + Send + Sync + 'static) -> Progress {
        Progress(Arc::new(callback))
    }

    /// Progress nobody watches.
    pub fn none() -> Progress {
        Progress::new(|_| {})
    }

    pub fn report(&self, phase: &str, done: u64, total: u64) {
        (self.0)(AnalysisProgress::new(phase.to_string(), done, total));
    }
}

/// Set it to stop a running analysis; it ends with `cancelled` at the next check.
pub use repovault_storage::CancelToken;
