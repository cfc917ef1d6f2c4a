//! The SQLite side of a store copy into PostgreSQL: a table read on a thread of its own and turned
//! into COPY text there, handed over a megabyte at a time.
//!
//! Read with rusqlite (`bulk_read`): through sqlx, a third of the copy's own CPU went to futex
//! calls and context switches, one per row (perf, 100k store). The chunks are made while the task
//! sends the previous one.

use std::path::PathBuf;

use rusqlite::types::ValueRef;
use tokio::sync::mpsc;

use super::copy::{copy_text, COPY_CHUNK};
use super::portable::{Column, ColumnType};
use super::sqlite::quote;
use crate::bulk_read;
use crate::cancel::CancelToken;
use crate::error::{Result, StoreError};
use crate::search_text::IndexedWords;

/// What the reader writes besides the table's own rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extra {
    Nothing,
    /// commits: two more fields per row, the words and stems of its message and changed paths.
    SearchWords,
}

/// A megabyte or so of COPY text: rows of the table.
#[derive(Default)]
pub(super) struct Chunk {
    pub rows: Vec<u8>,
}

/// What to read: `columns` of `table`, and its row id when it has one (to name a bad value).
pub(super) struct TableRead {
    pub path: PathBuf,
    pub table: String,
    pub columns: Vec<Column>,
    /// False for a table WITHOUT ROWID.
    pub has_rowid: bool,
    pub extra: Extra,
}

impl TableRead {
    /// `columns` in order, text columns cast to BLOB (their bytes, checked as they are read),
    /// then the row id as `rowid__`; commits in id order with `Extra::SearchWords`, since their
    /// changed paths are merged in that order (free for a rowid table).
    fn select(&self) -> String {
        let columns = self
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnType::Text => format!("CAST({} AS BLOB)", quote(&c.name)),
                _ => quote(&c.name),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let rowid = if self.has_rowid { "rowid" } else { "NULL" };
        let order = if self.extra == Extra::SearchWords { " ORDER BY id" } else { "" };
        format!("SELECT {columns}, {rowid} AS rowid__ FROM {}{order}", quote(&self.table))
    }
}

/// Starts reading; chunks arrive in order, an error ends the stream. Dropping the receiver stops
/// the reader at its next chunk.
pub(super) fn spawn(read: TableRead, cancel: CancelToken) -> mpsc::Receiver<Result<Chunk>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        if let Err(err) = read_table(&read, &cancel, &tx) {
            tx.blocking_send(Err(err)).ok();
        }
    });
    rx
}

fn read_table(read: &TableRead, cancel: &CancelToken, tx: &mpsc::Sender<Result<Chunk>>) -> Result<()> {
    let conn = bulk_read::open(&read.path)?;
    let mut statement = conn.prepare(&read.select()).map_err(bulk_read::error)?;
    let mut rows = statement.query([]).map_err(bulk_read::error)?;
    let mut paths_statement = match read.extra {
        Extra::SearchWords => Some(
            conn.prepare("SELECT commit_id, CAST(path AS BLOB) FROM file_changes ORDER BY commit_id, position")
                .map_err(bulk_read::error)?,
        ),
        _ => None,
    };
    let mut paths = match paths_statement.as_mut() {
        Some(statement) => Some(CommitPaths::new(statement.query([]).map_err(bulk_read::error)?)),
        None => None,
    };
    let at = |name: &str| read.columns.iter().position(|c| c.name == name);
    let message_at = at("message");
    // The commit a row is about.
    let id_at = match read.extra {
        Extra::SearchWords => at("id"),
        Extra::Nothing => None,
    };
    let rowid_at = read.columns.len();
    let mut chunk = Chunk::default();
    while let Some(row) = rows.next().map_err(bulk_read::error)? {
        let mut message = "";
        let mut id = None;
        for (i, column) in read.columns.iter().enumerate() {
            if i > 0 {
                chunk.rows.push(b'\t');
            }
            let value = row.get_ref(i).map_err(bulk_read::error)?;
            let bad = |what: &str| {
                let rowid = row.get_ref(rowid_at).ok().and_then(|v| v.as_i64().ok());
                let rowid = rowid.map(|id| format!(" (row id {id})")).unwrap_or_default();
                StoreError::validation(
                    "source",
                    format!("{}.{}{rowid} {what}; nothing of {} was copied", read.table, column.name, read.table),
                )
            };
            match (column.kind, value) {
                (_, ValueRef::Null) => chunk.rows.extend_from_slice(b"\\N"),
                (ColumnType::I16, ValueRef::Integer(v)) => push_display(&mut chunk.rows, v as i16),
                (ColumnType::I32, ValueRef::Integer(v)) => push_display(&mut chunk.rows, v as i32),
                (ColumnType::I64, ValueRef::Integer(v)) => {
                    push_display(&mut chunk.rows, v);
                    if Some(i) == id_at {
                        id = Some(v);
                    }
                }
                (ColumnType::Bool, ValueRef::Integer(v)) => chunk.rows.push(if v != 0 { b't' } else { b'f' }),
                (ColumnType::F64, ValueRef::Real(v)) => push_debug(&mut chunk.rows, v),
                (ColumnType::F64, ValueRef::Integer(v)) => push_debug(&mut chunk.rows, v as f64),
                (ColumnType::Bytes, ValueRef::Blob(bytes) | ValueRef::Text(bytes)) => {
                    push_bytea(&mut chunk.rows, bytes)
                }
                (ColumnType::Text, ValueRef::Blob(bytes) | ValueRef::Text(bytes)) => {
                    let text = std::str::from_utf8(bytes).map_err(|e| {
                        bad(&format!(
                            "is not valid UTF-8 (byte {}), which PostgreSQL text cannot hold",
                            e.valid_up_to()
                        ))
                    })?;
                    if let Some(at) = text.find('\0') {
                        return Err(bad(&format!("holds a NUL byte (at {at}), which PostgreSQL text cannot hold")));
                    }
                    copy_text(&mut chunk.rows, text);
                    if Some(i) == message_at {
                        message = text;
                    }
                }
                (_, other) => {
                    return Err(bad(&format!("holds a {:?} value, not a {:?}", other.data_type(), column.kind)))
                }
            }
        }
        if let Some(paths) = paths.as_mut() {
            let commit = id.ok_or_else(|| StoreError::Storage("commits without id".into()))?;
            let indexed = IndexedWords::of(message, paths.of(commit)?.iter().map(String::as_str));
            for text in [indexed.words, indexed.stems] {
                chunk.rows.push(b'\t');
                copy_text(&mut chunk.rows, &text);
            }
        }
        chunk.rows.push(b'\n');
        if chunk.rows.len() >= COPY_CHUNK {
            cancel.check()?;
            if tx.blocking_send(Ok(std::mem::take(&mut chunk))).is_err() {
                return Ok(()); // the copy stopped
            }
        }
    }
    if !chunk.rows.is_empty() {
        tx.blocking_send(Ok(chunk)).ok();
    }
    Ok(())
}

fn push_display(out: &mut Vec<u8>, v: impl std::fmt::Display) {
    use std::io::Write;
    write!(out, "{v}").expect("vec write");
}

fn push_debug(out: &mut Vec<u8>, v: f64) {
    use std::io::Write;
    write!(out, "{v:?}").expect("vec write");
}

/// bytea in COPY's text format: `\\x` and hex.
fn push_bytea(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(b"\\\\x");
    for b in bytes {
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
}

/// The changed paths of each commit, read from the source's `file_changes` in commit id order
/// beside the commits (a second statement on the same connection) and handed out as they stream by.
struct CommitPaths<'c> {
    rows: rusqlite::Rows<'c>,
    /// The first row of the next commit that has paths, already read.
    next: Option<(i64, String)>,
    finished: bool,
    current: Vec<String>,
}

impl<'c> CommitPaths<'c> {
    fn new(rows: rusqlite::Rows<'c>) -> Self {
        CommitPaths { rows, next: None, finished: false, current: Vec::new() }
    }

    /// The paths of commit `id`; ids must come in ascending order. (Paths that are not UTF-8 give
    /// their words lossily: copying `file_changes` names them as errors anyway.)
    fn of(&mut self, id: i64) -> Result<&[String]> {
        self.current.clear();
        loop {
            if self.next.is_none() && !self.finished {
                self.next = match self.rows.next().map_err(bulk_read::error)? {
                    Some(row) => {
                        let commit: i64 = row.get(0).map_err(bulk_read::error)?;
                        let path = match row.get_ref(1).map_err(bulk_read::error)? {
                            ValueRef::Blob(b) | ValueRef::Text(b) => String::from_utf8_lossy(b).into_owned(),
                            _ => String::new(),
                        };
                        Some((commit, path))
                    }
                    None => None,
                };
                self.finished = self.next.is_none();
            }
            match &self.next {
                Some((commit, _)) if *commit < id => self.next = None,
                Some((commit, _)) if *commit == id => {
                    let (_, path) = self.next.take().expect("matched");
                    self.current.push(path);
                }
                _ => return Ok(&self.current),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, kind: ColumnType) -> Column {
        Column { name: name.into(), kind }
    }

    /// The COPY text of table `t` in a real SQLite file made by `setup`.
    fn copy_text_of(setup: &str, columns: Vec<Column>, extra: Extra) -> Result<String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("repovault-copy-reader-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("source.db");
        std::fs::remove_file(&path).ok();
        rusqlite::Connection::open(&path).unwrap().execute_batch(setup).unwrap();
        let read = TableRead { path: path.clone(), table: "t".into(), columns, has_rowid: true, extra };
        let (tx, mut rx) = mpsc::channel(4);
        let result = read_table(&read, &CancelToken::default(), &tx);
        std::fs::remove_dir_all(&dir).ok();
        result?;
        let chunk = rx.try_recv().unwrap()?;
        Ok(String::from_utf8(chunk.rows).unwrap())
    }

    #[test]
    fn rows_become_copy_text_with_what_the_format_reads_specially_escaped() {
        let setup = "CREATE TABLE t (s TEXT, n INTEGER, b INTEGER, x BLOB, f REAL, small INTEGER);
            INSERT INTO t VALUES ('a\tb' || char(10) || 'c\\d' || char(13) || 'e', -9223372036854775808, 1, X'00FF5C', 0.5, 7);
            INSERT INTO t VALUES (NULL, NULL, 0, NULL, 2, NULL);
            INSERT INTO t VALUES ('\\N', 1, 0, X'', NULL, 1);";
        let columns = vec![
            column("s", ColumnType::Text),
            column("n", ColumnType::I64),
            column("b", ColumnType::Bool),
            column("x", ColumnType::Bytes),
            column("f", ColumnType::F64),
            column("small", ColumnType::I16),
        ];
        let rows = copy_text_of(setup, columns, Extra::Nothing).unwrap();
        assert_eq!(
            rows,
            "a\\tb\\nc\\\\d\\re\t-9223372036854775808\tt\t\\\\x00ff5c\t0.5\t7\n\
             \\N\t\\N\tf\t\\N\t2.0\t\\N\n\
             \\\\N\t1\tf\t\\\\x\t\\N\t1\n"
        );
    }

    #[test]
    fn text_postgresql_cannot_hold_is_named_with_its_row() {
        let columns = || vec![column("s", ColumnType::Text)];
        let nul = "CREATE TABLE t (s TEXT); INSERT INTO t VALUES ('ok'), ('a' || char(0) || 'b');";
        let err = copy_text_of(nul, columns(), Extra::Nothing).unwrap_err().to_string();
        assert!(err.contains("t.s (row id 2) holds a NUL byte (at 1)"), "{err}");
        let bad = "CREATE TABLE t (s TEXT); INSERT INTO t VALUES (CAST(X'416CC3' AS TEXT));";
        let err = copy_text_of(bad, columns(), Extra::Nothing).unwrap_err().to_string();
        assert!(err.contains("t.s (row id 1) is not valid UTF-8 (byte 2)"), "{err}");
        let wrong = "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES ('seven');";
        let err = copy_text_of(wrong, vec![column("n", ColumnType::I64)], Extra::Nothing).unwrap_err().to_string();
        assert!(err.contains("t.n (row id 1) holds a Text value"), "{err}");
    }
}
