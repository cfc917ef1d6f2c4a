//! Test support shared by every RepoVault crate's tests: one place that knows how to get a real
//! store on each engine, a git repository to import, and commits to store.
//!
//! - [`engines`]: [`Engine`] and [`Blobs`], a fresh PostgreSQL database per test on the server
//!   `scripts/test.sh` starts, store configurations, [`TestStore`] on a temporary folder, and raw
//!   SQL beside a store.
//! - [`git`]: the repository root, repositories made by `tests/fixtures/make-repo.py`, git
//!   commands run with a fixed test identity, and `git log --numstat` read back.
//! - [`fixtures`]: deterministic hashes, signatures and `NewCommit` / `NewFileChange` builders.
//!
//! A dev-dependency only: nothing here belongs in a shipped binary.

pub mod engines;
pub mod fixtures;
pub mod git;

pub use engines::*;
pub use fixtures::*;
pub use git::*;
