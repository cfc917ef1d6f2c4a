fn main() {
    // Capabilities live beside the shell's sources, not at the package root.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "store_info",
            "list_repositories",
            "import_repository",
            "cancel_import",
            "query_commits",
            "search_commits",
            "get_commit",
            "export_commits",
            "remove_repository",
            "get_commit_stat",
            "get_file_diff",
            "parse_search",
            "list_saved_queries",
            "save_query",
            "rename_saved_query",
            "delete_saved_query",
            "list_refs",
            "get_settings",
            "test_connection",
            "save_database_url",
            "get_backup_settings",
            "save_backup_settings",
            "list_backups",
            "create_backup",
            "cancel_backup",
            "verify_backup",
            "delete_backup",
            "preview_restore",
            "restore_backup",
            "prune_backups",
            "list_schedules",
            "add_schedule",
            "remove_schedule",
            "preview_schedule",
            "run_analysis",
            "cancel_analysis",
            "list_analysis_runs",
            "get_analysis_run",
            "export_analysis",
        ]));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
