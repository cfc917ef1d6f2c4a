//! Driving a future on a blocking thread of the current runtime.
//!
//! Some core futures are not `Send` for every lifetime (a compiler limit with `dyn Write` and the
//! backup's borrowed futures), while Tauri commands and the importer's hook must return `Send`
//! futures. Running such work on a blocking thread that drives it with the runtime's handle gives a
//! `Send` future back, and keeps long work off the async threads.

use std::future::Future;

use repovault_storage::{ErrorCode, ErrorPayload};

/// Runs `work()`'s future to its end on a blocking thread of the current tokio runtime.
pub async fn run_detached<T, E, Fut>(work: impl FnOnce() -> Fut + Send + 'static) -> Result<T, ErrorPayload>
where
    T: Send + 'static,
    E: Into<ErrorPayload> + Send + 'static,
    Fut: Future<Output = Result<T, E>>,
{
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(work()))
        .await
        .map_err(|e| ErrorPayload::new(ErrorCode::Internal, format!("the work stopped unexpectedly: {e}")))?
        .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn results_and_errors_come_back() {
        let ok: Result<u32, ErrorPayload> = run_detached(|| async { Ok::<_, ErrorPayload>(7) }).await;
        assert_eq!(ok.unwrap(), 7);
        let err = run_detached(|| async { Err::<u32, _>(ErrorPayload::new(ErrorCode::Io, "disk full")) }).await;
        let err = err.unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
        assert_eq!(err.message, "disk full");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_panic_is_an_internal_error() {
        let err = run_detached(|| async { panic!("boom") as Result<u32, ErrorPayload> }).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Internal);
    }
}
