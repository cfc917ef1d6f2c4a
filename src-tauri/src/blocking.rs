//! Long core work run from a command on a blocking thread that drives it on the app's runtime.
//! Some core futures are not `Send` for every lifetime (a compiler limit around references held
//! across awaits), which a command's future must be; a blocking thread needs no `Send` future.

use std::future::Future;

use repovault_storage::ErrorPayload;

pub async fn off_thread<T, E, Fut>(work: impl FnOnce() -> Fut + Send + 'static) -> Result<T, ErrorPayload>
where
    T: Send + 'static,
    E: Into<ErrorPayload> + Send + 'static,
    Fut: Future<Output = Result<T, E>>,
{
    tauri::async_runtime::spawn_blocking(move || tauri::async_runtime::block_on(work()))
        .await
        .map_err(|e| ErrorPayload { code: "internal".into(), message: format!("the work stopped unexpectedly: {e}") })?
        .map_err(Into::into)
}
