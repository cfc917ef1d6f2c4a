//! `repovault-cli sync --watch`: the app's background sync without a window, until Ctrl-C or
//! SIGTERM. One line per sync on stdout (a JSON object per line with `--json`).

use repovault_app::background;
use repovault_storage::{CancelToken, Repository, Store, StoreError};

use crate::output::Output;
use crate::{backup, CliError, ImportArgs};

pub(crate) async fn run(
    shared: std::sync::Arc<dyn Store>,
    ctx: &backup::Context,
    out: &Output,
    name: Option<&str>,
    all: bool,
    every: u64,
    import: &ImportArgs,
) -> Result<(), CliError> {
    let store = shared.as_ref();
    if let Some(name) = name {
        store.repository_by_name(name).await?;
    }
    let every = i64::try_from(every)
        .ok()
        .filter(|s| *s >= repovault_storage::remotes::MIN_SYNC_INTERVAL_SECS)
        .ok_or_else(|| {
            StoreError::validation(
                "every",
                format!("at least {} s", repovault_storage::remotes::MIN_SYNC_INTERVAL_SECS),
            )
        })?;
    // Named: that one; --all: every repository; neither: those with keep-in-sync on.
    let name = name.map(str::to_string);
    let choose = move |r: &Repository| match (&name, all) {
        (Some(name), _) => (r.name == *name).then_some(r.sync_interval_secs.unwrap_or(every)),
        (None, true) => Some(r.sync_interval_secs.unwrap_or(every)),
        (None, false) => r.sync_interval_secs,
    };
    let cancel = CancelToken::default();
    let on_signal = cancel.clone();
    let signals = tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            if let Ok(mut terminate) = signal(SignalKind::terminate()) {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        on_signal.cancel();
    });
    let sync = |repository: Repository| -> background::SyncFuture<'_> {
        let cancel = cancel.clone();
        Box::pin(async move {
            let progress = |_: &repovault_ingest::ImportProgress| {};
            let hook = crate::backup_first(store, import, ctx, &progress, &cancel);
            repovault_app::remote::sync_repository(
                store,
                &ctx.data_dir,
                &repository,
                &import.options(),
                &progress,
                &cancel,
                &hook,
            )
            .await
        })
    };
    let report = |repository: &Repository,
                  result: &Result<repovault_ingest::ImportReport, repovault_storage::ErrorPayload>| {
        out.watch_line(repository, result)
    };
    eprintln!("watching; Ctrl-C stops");
    let store_now = || Ok(shared.clone());
    background::run(&store_now, &choose, &sync, &report, &cancel).await;
    signals.abort();
    Ok(())
}
