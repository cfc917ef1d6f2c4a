//! The one progress shape of long work — import, backup, restore, analysis, export: a phase, done
//! and total in that phase's units, and a rate where the work has one. Each kind of work names its
//! own phases (`Progress<ImportPhase>`, `Progress<BackupPhase>`, …); the UI gets `Progress<P>` once.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress<P> {
    pub phase: P,
    #[ts(type = "number")]
    pub done: u64,
    /// 0 when not known yet.
    #[ts(type = "number")]
    pub total: u64,
    /// Items per second, where the work has a rate worth showing (an import's commits).
    pub per_second: Option<f64>,
}

impl<P> Progress<P> {
    pub fn new(phase: P, done: u64, total: u64) -> Progress<P> {
        Progress { phase, done, total, per_second: None }
    }

    pub fn with_rate(self, per_second: f64) -> Progress<P> {
        Progress { per_second: Some(per_second), ..self }
    }
}
