//! The desktop shell: opens the store, exposes the core through thin Tauri commands, and maps
//! errors to `{code, message}`. No SQL or git here. The UI's command table is generated from the
//! `#[tauri::command]` fns (see `command_table.rs`).

mod analyses;
mod backups;
#[cfg(test)]
mod command_table;
mod commands;
mod exclusive;
mod export_file;
mod history;
mod mirror;
mod settings;
mod state;
mod sync;
mod workspaces;

use tauri::Manager;

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    tauri::Builder::default()
        .setup(|app| {
            let state = tauri::async_runtime::block_on(state::AppState::open_from_env());
            app.manage(state);
            backups::start_scheduler(app.handle().clone());
            mirror::start_drainer(app.handle().clone());
            sync::start_background_sync(app.handle().clone());
            exit_on_terminate(app.handle().clone());
            Ok(())
        })
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::store_info,
            commands::list_repositories,
            commands::import_repository,
            commands::cancel_import,
            commands::query_commits,
            commands::count_commits,
            commands::search_commits,
            commands::get_commit,
            commands::export_commits,
            commands::remove_repository,
            commands::set_change_index,
            commands::get_commit_stat,
            commands::get_file_diff,
            commands::parse_search,
            commands::list_saved_queries,
            commands::save_query,
            commands::rename_saved_query,
            commands::delete_saved_query,
            commands::list_refs,
            commands::get_settings,
            commands::test_connection,
            commands::save_database_url,
            backups::get_backup_settings,
            backups::save_backup_settings,
            backups::list_backups,
            backups::create_backup,
            backups::cancel_backup,
            backups::verify_backup,
            backups::delete_backup,
            backups::preview_restore,
            backups::restore_backup,
            backups::prune_backups,
            backups::list_schedules,
            backups::add_schedule,
            backups::remove_schedule,
            backups::preview_schedule,
            analyses::run_analysis,
            analyses::cancel_analysis,
            analyses::list_analysis_runs,
            analyses::get_analysis_run,
            analyses::export_analysis,
            history::get_graph_page,
            history::get_file_history,
            history::blame_file,
            history::compare_revisions,
            history::compare_file_diff,
            history::line_history,
            mirror::get_mirror_status,
            mirror::test_mirror,
            mirror::enable_mirror,
            mirror::disable_mirror,
            mirror::drain_mirror,
            mirror::check_mirror,
            mirror::repair_mirror,
            mirror::get_mirror_fallback,
            mirror::open_mirror_fallback,
            workspaces::list_workspaces,
            workspaces::create_workspace,
            workspaces::rename_workspace,
            workspaces::preview_workspace_deletion,
            workspaces::delete_workspace,
            workspaces::move_repository,
            workspaces::team_status,
            workspaces::copy_store_and_switch,
            sync::set_keep_in_sync,
            sync::save_token,
            sync::delete_token,
        ])
        .build(tauri::generate_context!("tauri.conf.json"))
        .expect("error while starting RepoVault")
        .run(|app, event| {
            // The optional backup on exit runs here, and the process exits only once it is done.
            if let tauri::RunEvent::Exit = event {
                if let Some(state) = app.try_state::<state::AppState>() {
                    backups::backup_on_exit(&state);
                }
            }
        });
}

/// SIGTERM (a logout, a service manager, a test harness) ends the app the way closing its window
/// does, so `RunEvent::Exit` runs: the optional backup on exit is taken before the process ends.
fn exit_on_terminate(app: tauri::AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                if terminate.recv().await.is_some() {
                    tracing::info!("SIGTERM: exiting");
                    app.exit(0);
                }
            }
            Err(err) => tracing::warn!("cannot listen for SIGTERM: {err}"),
        }
    });
    #[cfg(not(unix))]
    let _ = app;
}
