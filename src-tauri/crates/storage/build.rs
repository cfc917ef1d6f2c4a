// sqlx::migrate! embeds the migration files; rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=../../../migrations");
    // Cargo names a workspace crate's build the same in every checkout, so two clones sharing one
    // build folder (scripts/build-env.sh) could each take the other's compiled crates for fresh.
    // The scripts set REPOVAULT_CHECKOUT to the checkout's path: a different one reruns this
    // script, which rebuilds storage and every crate above it (all of the workspace's crates).
    println!("cargo:rerun-if-env-changed=REPOVAULT_CHECKOUT");
}
