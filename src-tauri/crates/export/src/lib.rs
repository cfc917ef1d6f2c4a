//! Export of commits matching a query — CSV (RFC 4180, UTF-8, header row), JSON and NDJSON — written
//! page by page so memory stays flat however many commits there are; and the JSON/NDJSON form read
//! back into a store. JSON and NDJSON are lossless: bytes that are not UTF-8 travel as base64.

mod file;
mod record;
mod table;

use std::io::{BufRead, Write};

use repovault_storage::query::{CommitQuery, QueryOptions};
use repovault_storage::{CommitBatchItem, Store, StoreError};

pub use file::{partial_path, PartialFile};
pub use record::{ExportHeader, ExportRecord};
pub use table::write_table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    Ndjson,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    /// `csv`, `json` or `ndjson`, any case, surrounding spaces ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "ndjson" => Ok(ExportFormat::Ndjson),
            other => Err(format!("invalid format: {other:?} is not csv, json or ndjson")),
        }
    }
}

/// Commits per page read from the store while exporting.
const PAGE: u32 = 500;

fn io(err: impl std::fmt::Display) -> StoreError {
    StoreError::Storage(format!("cannot write the export: {err}"))
}

/// Writes every commit matching `query` (its paging options are ignored) to `out`; returns how
/// many. `progress` gets (written, total) after each page.
pub async fn export_commits(
    store: &dyn Store,
    query: &CommitQuery,
    format: ExportFormat,
    out: &mut dyn Write,
    progress: &(dyn Fn(u64, i64) + Send + Sync),
) -> Result<u64, StoreError> {
    match format {
        ExportFormat::Csv => {}
        ExportFormat::Json => {
            let header = serde_json::to_string(&ExportHeader::current()).expect("header serialises");
            // `{"format": …, "version": 1, "commits": [` — the header object left open.
            write!(out, "{},\"commits\":[", &header[..header.len() - 1]).map_err(io)?;
        }
        ExportFormat::Ndjson => {
            serde_json::to_writer(&mut *out, &ExportHeader::current()).map_err(io)?;
            writeln!(out).map_err(io)?;
        }
    }
    let mut page_query = CommitQuery {
        filter: query.filter.clone(),
        options: QueryOptions {
            limit: Some(PAGE),
            sort_by: Some("date".into()),
            sort_order: Some("asc".into()),
            ..Default::default()
        },
    };
    let mut written = 0u64;
    loop {
        let page = store.query_commits(&page_query).await?;
        match format {
            ExportFormat::Csv => {
                let repositories = repository_names(store).await?;
                let mut writer = csv::Writer::from_writer(&mut *out);
                if written == 0 {
                    writer.write_record(record::CSV_HEADER).map_err(io)?;
                }
                for commit in &page.commits {
                    writer.write_record(record::csv_row(commit, &repositories)).map_err(io)?;
                }
                writer.flush().map_err(io)?;
            }
            ExportFormat::Json | ExportFormat::Ndjson => {
                let ids: Vec<i64> = page.commits.iter().map(|c| c.id).collect();
                for (i, stored) in store.stored_commits(&ids).await?.into_iter().enumerate() {
                    let record = ExportRecord::from_stored(stored);
                    if format == ExportFormat::Json && (written > 0 || i > 0) {
                        out.write_all(b",").map_err(io)?;
                    }
                    serde_json::to_writer(&mut *out, &record).map_err(io)?;
                    if format == ExportFormat::Ndjson {
                        writeln!(out).map_err(io)?;
                    }
                }
            }
        }
        written += page.commits.len() as u64;
        progress(written, page.total);
        match page.next_cursor {
            Some(cursor) => page_query.options.cursor = Some(cursor),
            None => break,
        }
    }
    if format == ExportFormat::Json {
        out.write_all(b"]}").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(written)
}

async fn repository_names(store: &dyn Store) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    Ok(store.repositories().await?.into_iter().map(|r| (r.id, r.name)).collect())
}

/// How many commits an import of an export stored and found already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub stored: u64,
    pub duplicates: u64,
}

/// Reads a JSON or NDJSON export (told apart by its first byte) into `store`, creating
/// repositories as needed, in batches of one transaction each.
pub async fn import_export(store: &dyn Store, input: &mut dyn BufRead) -> Result<ImportCounts, StoreError> {
    let bad = |e: serde_json::Error| StoreError::validation("file", format!("not a RepoVault export: {e}"));
    let mut first_line = String::new();
    input.read_line(&mut first_line).map_err(|e| StoreError::validation("file", e.to_string()))?;
    let mut counts = ImportCounts::default();
    let mut batch: Vec<ExportRecord> = Vec::new();
    // NDJSON opens with a header line; a JSON export is one object with the commits inside.
    let first: serde_json::Value = serde_json::from_str(first_line.trim()).map_err(bad)?;
    if first.get("commits").is_none() {
        ExportHeader::check(&serde_json::from_value(first).map_err(bad)?)?;
        for line in input.lines() {
            let line = line.map_err(|e| StoreError::validation("file", e.to_string()))?;
            if line.trim().is_empty() {
                continue;
            }
            batch.push(serde_json::from_str(&line).map_err(bad)?);
            if batch.len() >= PAGE as usize {
                store_records(store, std::mem::take(&mut batch), &mut counts).await?;
            }
        }
    } else {
        let mut rest = Vec::new();
        input.read_to_end(&mut rest).map_err(|e| StoreError::validation("file", e.to_string()))?;
        let mut all = first_line.into_bytes();
        all.extend(rest);
        let document: record::ExportDocument = serde_json::from_slice(&all).map_err(bad)?;
        ExportHeader::check(&document.header)?;
        for chunk in document.commits.chunks(PAGE as usize) {
            store_records(store, chunk.to_vec(), &mut counts).await?;
        }
    }
    store_records(store, batch, &mut counts).await?;
    Ok(counts)
}

async fn store_records(
    store: &dyn Store,
    records: Vec<ExportRecord>,
    counts: &mut ImportCounts,
) -> Result<(), StoreError> {
    let mut by_repository: Vec<(String, Vec<CommitBatchItem>)> = Vec::new();
    for record in records {
        let (repository, item) = record.into_batch_item()?;
        match by_repository.iter_mut().find(|(name, _)| *name == repository) {
            Some((_, items)) => items.push(item),
            None => by_repository.push((repository, vec![item])),
        }
    }
    for (repository, items) in by_repository {
        let id = store.ensure_repository("default", &repository, None).await?.id;
        for result in store.store_commits(id, &items).await? {
            match result.status {
                repovault_storage::StorageStatus::Stored => counts.stored += 1,
                _ => counts.duplicates += 1,
            }
        }
    }
    Ok(())
}
