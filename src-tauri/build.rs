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
        ]));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
