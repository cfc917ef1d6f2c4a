//! Bulk loading a PostgreSQL target for `store copy`: what is set aside during the load and put
//! back after it (foreign keys, secondary indexes), and PostgreSQL's `change_lines` (the runs of
//! changed lines `change:` searches) written beside `change_text` instead of by its triggers.

use sqlx::postgres::{PgConnection, PgCopyIn};
use sqlx::Connection;

use super::sqlite::quote;
use crate::error::Result;

/// Where the target keeps the foreign keys it set aside until the copy ends, so that a copy
/// interrupted in between still puts them back when it is resumed.
pub(super) const KEYS_TABLE: &str = "_repovault_copy_keys";
/// Lines per `change_lines` row, as `change_lines_rebuild()` (migration 20261201000001) groups them.
const LINES_PER_RUN: usize = 32;

/// Drops the foreign keys of `tables` on the target, remembering each in [`KEYS_TABLE`]: tables
/// then load in any order (change_text first, so that its long index build starts at once) and
/// without a key check per row (file_changes: 4.7 s with its keys, 2.2 s without and 0.3 s to
/// check them all at the end). Keys set aside by an interrupted run stay remembered.
pub(super) async fn set_aside_foreign_keys(pg: &mut PgConnection, tables: &[String]) -> Result<()> {
    let mut tx = pg.begin().await?;
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (table_name TEXT NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL)"
    ))
    .execute(&mut *tx)
    .await?;
    let keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t.relname::text, c.conname::text, pg_get_constraintdef(c.oid) FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ANY($1) ORDER BY 1, 2",
    )
    .bind(tables)
    .fetch_all(&mut *tx)
    .await?;
    for (table, name, definition) in keys {
        sqlx::query(&format!("INSERT INTO {KEYS_TABLE} (table_name, name, definition) VALUES ($1, $2, $3)"))
            .bind(&table)
            .bind(&name)
            .bind(&definition)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("ALTER TABLE {} DROP CONSTRAINT {}", quote(&table), quote(&name)))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds back the foreign keys set aside, except those of the tables in `leave` (still being
/// loaded elsewhere); each is checked against the copied rows as it is added. The record goes
/// once every key is back.
pub(super) async fn restore_foreign_keys(pg: &mut PgConnection, leave: &[&str]) -> Result<()> {
    let mut tx = pg.begin().await?;
    let (found,): (bool,) =
        sqlx::query_as("SELECT to_regclass($1) IS NOT NULL").bind(KEYS_TABLE).fetch_one(&mut *tx).await?;
    if !found {
        return Ok(());
    }
    let keys: Vec<(String, String, String)> =
        sqlx::query_as(&format!("SELECT table_name, name, definition FROM {KEYS_TABLE} ORDER BY 1, 2"))
            .fetch_all(&mut *tx)
            .await?;
    let mut left = 0;
    for (table, name, definition) in keys {
        if leave.contains(&table.as_str()) {
            left += 1;
            continue;
        }
        sqlx::query(&format!("ALTER TABLE {} ADD CONSTRAINT {} {definition}", quote(&table), quote(&name)))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("DELETE FROM {KEYS_TABLE} WHERE table_name = $1 AND name = $2"))
            .bind(&table)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
    }
    if left == 0 {
        sqlx::query(&format!("DROP TABLE {KEYS_TABLE}")).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Drops a table's secondary indexes (not those behind a primary key or unique constraint; with
/// `gin_only`, only GIN ones) and returns their definitions: one index build after a bulk load
/// is several times faster than keeping a GIN or B-tree index up to date row by row.
pub(super) async fn drop_indexes(pg: &mut PgConnection, table: &str, gin_only: bool) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.indexname::text, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() \
         AND i.tablename = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c \
         WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
    )
    .bind(table)
    .fetch_all(&mut *pg)
    .await?;
    let mut definitions = Vec::new();
    for (name, definition) in indexes {
        if gin_only && !definition.contains("USING gin") {
            continue;
        }
        sqlx::query(&format!("DROP INDEX {}", quote(&name))).execute(&mut *pg).await?;
        definitions.push(definition);
    }
    Ok(definitions)
}

pub(super) async fn recreate_indexes(pg: &mut PgConnection, definitions: &[String]) -> Result<()> {
    for definition in definitions {
        sqlx::query(definition).execute(&mut *pg).await?;
    }
    Ok(())
}

/// `change_lines` loaded with COPY on a connection of its own while `change_text` is copied: each
/// change text is cut into runs of lines in Rust ([`write_line_runs`]), as `change_lines_rebuild()`
/// cuts them, instead of the server splitting and regrouping 100 MB of text in one statement
/// after the load (5 s of the 100k store). Its trigram index is built afterwards.
pub(super) struct ChangeLinesLoad<'c> {
    copy: PgCopyIn<&'c mut PgConnection>,
}

impl<'c> ChangeLinesLoad<'c> {
    /// Starts the load inside `conn`'s open transaction (the caller commits it once `finish`ed,
    /// before change_text's own transaction, so a change_text marked done has its runs).
    pub(super) async fn start(conn: &'c mut PgConnection) -> Result<Self> {
        sqlx::query("TRUNCATE change_lines").execute(&mut *conn).await?;
        sqlx::query("DROP INDEX IF EXISTS change_lines_trgm").execute(&mut *conn).await?;
        let copy = conn.copy_in_raw("COPY change_lines (commit_id, side, part, lines) FROM STDIN").await?;
        Ok(ChangeLinesLoad { copy })
    }

    /// COPY text made by [`write_line_runs`].
    pub(super) async fn send(&mut self, text: Vec<u8>) -> Result<()> {
        self.copy.send(text).await?;
        Ok(())
    }

    pub(super) async fn finish(self) -> Result<()> {
        self.copy.finish().await?;
        Ok(())
    }

    pub(super) async fn abort(self) {
        self.copy.abort("copy stopped").await.ok();
    }
}

/// The `change_lines` rows of one commit's added and removed lines in COPY text (empty texts
/// have none).
pub(super) fn write_line_runs(out: &mut Vec<u8>, commit_id: i64, added: &str, removed: &str) {
    use std::io::Write;
    for (side, text) in [('a', added), ('r', removed)] {
        if text.is_empty() {
            continue;
        }
        for (part, run) in line_runs(text).enumerate() {
            write!(out, "{commit_id}\t{side}\t{part}\t").expect("vec write");
            super::copy::copy_text(out, run);
            out.push(b'\n');
        }
    }
}

/// `text` cut into runs of [`LINES_PER_RUN`] lines as `change_lines_rebuild()` cuts it: split at
/// every `\n` (a trailing one leaves an empty last line), the lines of a run joined by `\n`.
fn line_runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.match_indices('\n').nth(LINES_PER_RUN - 1) {
            Some((end, _)) => {
                rest = Some(&text[end + 1..]);
                Some(&text[..end])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::line_runs;

    #[test]
    fn line_runs_cut_like_the_servers_rebuild() {
        let lines = |n: usize| (1..=n).map(|i| format!("l{i}")).collect::<Vec<_>>();
        assert_eq!(line_runs("one").collect::<Vec<_>>(), ["one"]);
        assert_eq!(line_runs("a\n").collect::<Vec<_>>(), ["a\n"], "31 lines or fewer and a last empty one");
        let exact = format!("{}\n", lines(32).join("\n"));
        assert_eq!(line_runs(&exact).collect::<Vec<_>>(), [lines(32).join("\n"), String::new()]);
        let long = lines(70).join("\n");
        assert_eq!(
            line_runs(&long).collect::<Vec<_>>(),
            [lines(70)[..32].join("\n"), lines(70)[32..64].join("\n"), lines(70)[64..].join("\n")]
        );
    }
}
