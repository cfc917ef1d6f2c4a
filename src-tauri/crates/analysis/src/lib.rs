//! RepoVault's analyses. History analyses (authors, activity, churn, hotspots, coupling, ownership)
//! are SQL aggregates over the stored history, finished in Rust — git is not re-read. The tech
//! spec and code structure read the files of one revision from the repository folder with gix.
//! Runs and their versioned results are stored (`analysis_runs`) and reused while nothing changed.
//!
//! Entry point: [`Analyzer`]. Nothing here depends on Tauri.

mod activity;
mod authors;
mod churn;
mod coupling;
pub mod error;
pub mod filters;
mod ownership;
mod params;
mod progress;
mod runs;
pub mod structure;
pub mod techspec;
mod tree;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use repovault_storage::{Repository, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use activity::{ActivityBucket, ActivityReport};
pub use authors::{AliasSuggestion, AuthorStats, AuthorsReport};
pub use churn::{ChurnReport, FileChurn, FolderChurn, Hotspot, HotspotsReport, SizeSource};
pub use coupling::{CoupledPair, CouplingReport, DEFAULT_MAX_FILES_PER_COMMIT, DEFAULT_MIN_SHARED};
pub use error::{AnalysisError, Result};
pub use filters::{LeftOut, LeftOutAuthor, DEFAULT_AUTHOR_EXCLUDES, DEFAULT_PATH_EXCLUDES};
pub use ownership::{FolderOwnership, Owner, OwnershipReport};
pub use params::{AnalysisParams, DEFAULT_LIMIT};
pub use progress::{AnalysisProgress, CancelToken, Progress};
pub use runs::{AnalysisRun, Revision, RunError, RunStatus};
pub use structure::StructureReport;
pub use techspec::TechSpecReport;

use crate::params::Scope;

/// The version of the result JSON shape; stored with each result. Bump it when a report type
/// changes incompatibly: older stored results are then recomputed instead of misread.
/// 2: history reports say what the filters left out (`left_out`), and were computed with them.
pub const RESULT_VERSION: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum AnalysisKind {
    Authors,
    Activity,
    Churn,
    Hotspots,
    Coupling,
    Ownership,
    Techspec,
    Structure,
}

impl AnalysisKind {
    pub const ALL: [AnalysisKind; 8] = [
        AnalysisKind::Authors,
        AnalysisKind::Activity,
        AnalysisKind::Churn,
        AnalysisKind::Hotspots,
        AnalysisKind::Coupling,
        AnalysisKind::Ownership,
        AnalysisKind::Techspec,
        AnalysisKind::Structure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisKind::Authors => "authors",
            AnalysisKind::Activity => "activity",
            AnalysisKind::Churn => "churn",
            AnalysisKind::Hotspots => "hotspots",
            AnalysisKind::Coupling => "coupling",
            AnalysisKind::Ownership => "ownership",
            AnalysisKind::Techspec => "techspec",
            AnalysisKind::Structure => "structure",
        }
    }

    pub fn parse(text: &str) -> Option<AnalysisKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Kinds that read files from the repository folder at a revision.
    pub fn reads_repository(self) -> bool {
        matches!(self, AnalysisKind::Hotspots | AnalysisKind::Techspec | AnalysisKind::Structure)
    }
}

/// A result of any kind, as stored (`{"kind": "authors", "data": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "data", rename_all = "lowercase")]
#[ts(export)]
pub enum AnalysisResult {
    Authors(AuthorsReport),
    Activity(ActivityReport),
    Churn(ChurnReport),
    Hotspots(HotspotsReport),
    Coupling(CouplingReport),
    Ownership(OwnershipReport),
    Techspec(TechSpecReport),
    Structure(StructureReport),
}

impl AnalysisResult {
    /// What the filters left out, for the history kinds.
    pub fn left_out(&self) -> Option<&LeftOut> {
        match self {
            AnalysisResult::Authors(r) => Some(&r.left_out),
            AnalysisResult::Activity(r) => Some(&r.left_out),
            AnalysisResult::Churn(r) => Some(&r.left_out),
            AnalysisResult::Hotspots(r) => Some(&r.left_out),
            AnalysisResult::Coupling(r) => Some(&r.left_out),
            AnalysisResult::Ownership(r) => Some(&r.left_out),
            AnalysisResult::Techspec(_) | AnalysisResult::Structure(_) => None,
        }
    }
}

/// What to run: a kind of analysis of a repository with parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalysisRequest {
    pub repository: String,
    pub kind: AnalysisKind,
    #[serde(default)]
    pub params: AnalysisParams,
    /// Compute again even when a stored result could be reused.
    #[serde(default)]
    pub force: bool,
}

/// Runs analyses against one store: its history aggregates and its runs table.
#[derive(Debug, Clone)]
pub struct Analyzer {
    store: Arc<dyn Store>,
}

impl Analyzer {
    pub fn new(store: Arc<dyn Store>) -> Analyzer {
        Analyzer { store }
    }

    /// The history `kind` reads, with its filters (the kind's defaults added).
    async fn scope(&self, repository: &str, kind: AnalysisKind, params: &AnalysisParams) -> Result<Scope> {
        let repository = self.store.repository_by_name(repository).await?;
        Scope::build(self.store.as_ref(), repository, kind, params).await
    }

    pub async fn authors(&self, repository: &str, params: &AnalysisParams) -> Result<AuthorsReport> {
        let scope = self.scope(repository, AnalysisKind::Authors, params).await?;
        authors::authors(self.store.as_ref(), &scope, params).await
    }

    pub async fn activity(&self, repository: &str, params: &AnalysisParams) -> Result<ActivityReport> {
        activity::activity(self.store.as_ref(), &self.scope(repository, AnalysisKind::Activity, params).await?).await
    }

    pub async fn churn(&self, repository: &str, params: &AnalysisParams) -> Result<ChurnReport> {
        churn::churn(self.store.as_ref(), &self.scope(repository, AnalysisKind::Churn, params).await?, params).await
    }

    pub async fn hotspots(
        &self,
        repository: &str,
        params: &AnalysisParams,
        progress: &Progress,
        cancel: &CancelToken,
    ) -> Result<HotspotsReport> {
        let scope = self.scope(repository, AnalysisKind::Hotspots, params).await?;
        churn::hotspots(self.store.as_ref(), &scope, params, progress, cancel).await
    }

    pub async fn coupling(&self, repository: &str, params: &AnalysisParams) -> Result<CouplingReport> {
        let scope = self.scope(repository, AnalysisKind::Coupling, params).await?;
        coupling::coupling(self.store.as_ref(), &scope, params).await
    }

    pub async fn ownership(&self, repository: &str, params: &AnalysisParams) -> Result<OwnershipReport> {
        let scope = self.scope(repository, AnalysisKind::Ownership, params).await?;
        ownership::ownership(self.store.as_ref(), &scope, params).await
    }

    /// Languages, dependencies and frameworks at `params.rev` (default HEAD) of the repository's folder.
    pub async fn techspec(
        &self,
        repository: &str,
        params: &AnalysisParams,
        progress: &Progress,
        cancel: &CancelToken,
    ) -> Result<TechSpecReport> {
        let path = self.folder(repository).await?;
        let (rev, progress, cancel) = (rev_of(params), progress.clone(), cancel.clone());
        blocking(move || techspec::techspec_at(&path, &rev, &progress, &cancel)).await
    }

    /// Functions, types and methods per file at `params.rev` (default HEAD) of the repository's folder.
    pub async fn structure(
        &self,
        repository: &str,
        params: &AnalysisParams,
        progress: &Progress,
        cancel: &CancelToken,
    ) -> Result<StructureReport> {
        let path = self.folder(repository).await?;
        let (rev, limit, progress, cancel) = (rev_of(params), params.row_limit(), progress.clone(), cancel.clone());
        blocking(move || structure::structure_at(&path, &rev, limit, &progress, &cancel)).await
    }

    /// Runs one analysis now, by kind.
    pub async fn compute(
        &self,
        repository: &str,
        kind: AnalysisKind,
        params: &AnalysisParams,
        progress: &Progress,
        cancel: &CancelToken,
    ) -> Result<AnalysisResult> {
        params.validate()?;
        cancel.check()?;
        progress.report(kind.as_str(), 0, 1);
        let result = match kind {
            AnalysisKind::Authors => AnalysisResult::Authors(self.authors(repository, params).await?),
            AnalysisKind::Activity => AnalysisResult::Activity(self.activity(repository, params).await?),
            AnalysisKind::Churn => AnalysisResult::Churn(self.churn(repository, params).await?),
            AnalysisKind::Hotspots => {
                AnalysisResult::Hotspots(self.hotspots(repository, params, progress, cancel).await?)
            }
            AnalysisKind::Coupling => AnalysisResult::Coupling(self.coupling(repository, params).await?),
            AnalysisKind::Ownership => AnalysisResult::Ownership(self.ownership(repository, params).await?),
            AnalysisKind::Techspec => {
                AnalysisResult::Techspec(self.techspec(repository, params, progress, cancel).await?)
            }
            AnalysisKind::Structure => {
                AnalysisResult::Structure(self.structure(repository, params, progress, cancel).await?)
            }
        };
        cancel.check()?;
        progress.report(kind.as_str(), 1, 1);
        Ok(result)
    }

    /// Records a request as a `queued` run (or returns the stored run it can reuse, `reused: true`).
    /// The run keeps the parameters as computed, the kind's default exclusions written out, so a
    /// result is reused only for the same filters.
    pub async fn enqueue(&self, request: &AnalysisRequest) -> Result<AnalysisRun> {
        request.params.validate()?;
        let params = request.params.for_kind(request.kind);
        let repository = self.store.repository_by_name(&request.repository).await?;
        let mut revision = runs::stored_history(self.store.as_ref(), &repository).await?;
        if request.kind.reads_repository() {
            revision.commit = self.resolved_commit(&repository, &params).await;
        }
        let params_json = serde_json::to_string(&params)?;
        let key = runs::run_key(request.kind, &params_json, &revision)?;
        if !request.force {
            if let Some(mut run) = runs::reusable(self.store.as_ref(), repository.id, request.kind, &key).await? {
                run.reused = true;
                return Ok(run);
            }
        }
        let id = runs::insert(self.store.as_ref(), repository.id, request.kind, &params_json, &revision, &key).await?;
        runs::get(self.store.as_ref(), id, false).await
    }

    /// Runs a queued run to its end and stores the outcome: `done` with the result, `failed` with
    /// the error, or `cancelled`. Returns the run with its result.
    pub async fn execute(&self, run_id: i64, progress: &Progress, cancel: &CancelToken) -> Result<AnalysisRun> {
        let run = runs::get(self.store.as_ref(), run_id, false).await?;
        if !runs::mark_running(self.store.as_ref(), run_id).await? {
            return Err(AnalysisError::validation("run", format!("run {run_id} is {:?}, not queued", run.status)));
        }
        let repository = self.repository_by_id(run.repository_id).await?;
        let started = Instant::now();
        let outcome = self.compute(&repository.name, run.kind, &run.params, progress, cancel).await;
        runs::finish(self.store.as_ref(), run_id, &outcome, started.elapsed().as_millis() as i64).await?;
        runs::get(self.store.as_ref(), run_id, true).await
    }

    /// Enqueue then execute: the stored result when nothing changed, otherwise a fresh run. A
    /// failed or cancelled run is stored and returned as a run with `error`, not as `Err`.
    pub async fn run(
        &self,
        request: &AnalysisRequest,
        progress: &Progress,
        cancel: &CancelToken,
    ) -> Result<AnalysisRun> {
        let queued = self.enqueue(request).await?;
        if queued.reused {
            return runs::get(self.store.as_ref(), queued.id, true)
                .await
                .map(|run| AnalysisRun { reused: true, ..run });
        }
        self.execute(queued.id, progress, cancel).await
    }

    /// A stored run with its result.
    pub async fn get_run(&self, run_id: i64) -> Result<AnalysisRun> {
        runs::get(self.store.as_ref(), run_id, true).await
    }

    /// A repository's runs, newest first, without their results.
    pub async fn runs(&self, repository: &str, limit: u32) -> Result<Vec<AnalysisRun>> {
        let repository = self.store.repository_by_name(repository).await?;
        runs::list(self.store.as_ref(), repository.id, limit.clamp(1, 1000)).await
    }

    async fn repository_by_id(&self, id: i64) -> Result<Repository> {
        let all = self.store.repositories().await?;
        all.into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| repovault_storage::StoreError::not_found(format!("repository {id}")).into())
    }

    async fn folder(&self, repository: &str) -> Result<PathBuf> {
        let repository = self.store.repository_by_name(repository).await?;
        repository.path.map(PathBuf::from).ok_or_else(|| {
            AnalysisError::NoRepositoryPath(format!(
                "{} was stored without a folder (from push events), so its files cannot be read",
                repository.name
            ))
        })
    }

    /// The commit `params.rev` names in the repository folder, when it can be read.
    async fn resolved_commit(&self, repository: &Repository, params: &AnalysisParams) -> Option<String> {
        let path = PathBuf::from(repository.path.clone()?);
        let rev = rev_of(params);
        blocking(move || tree::resolve_commit(&path, &rev)).await.ok()
    }
}

fn rev_of(params: &AnalysisParams) -> String {
    params.rev.clone().unwrap_or_else(|| "HEAD".to_string())
}

/// Runs blocking git and parsing work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| Err(AnalysisError::Git(format!("worker failed: {e}"))))
}

/// The tech spec of a folder's revision without a store (for tools and benchmarks).
pub fn techspec_of_folder(path: &Path, rev: &str) -> Result<TechSpecReport> {
    techspec::techspec_at(path, rev, &Progress::none(), &CancelToken::default())
}

/// The code structure of a folder's revision without a store (for tools and benchmarks).
pub fn structure_of_folder(path: &Path, rev: &str, limit: usize) -> Result<StructureReport> {
    structure::structure_at(path, rev, limit, &Progress::none(), &CancelToken::default())
}
