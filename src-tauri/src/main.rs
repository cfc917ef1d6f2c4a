// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Answered before any window or store opens, so it works without a display (the package test).
    if std::env::args().skip(1).any(|arg| arg == "--version" || arg == "-V") {
        println!("repovault {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    repovault_desktop::run();
}
