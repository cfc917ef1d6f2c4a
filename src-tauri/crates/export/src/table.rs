//! Any list of JSON objects (an analysis result's table, for instance) as CSV, JSON or NDJSON.
//! Nested objects become dotted columns (`author.email`); lists are written as JSON text in one
//! cell, so a CSV row stays one row.

use std::io::Write;

use serde_json::{Map, Value};

use crate::ExportFormat;

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (key, inner) in fields {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&name, inner, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(text) => out.push((prefix.to_string(), text.clone())),
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Writes `rows` to `out`; returns how many. CSV columns are every flattened field in the order
/// first seen (a JSON object's fields in name order); a row without one has an empty cell.
pub fn write_table(rows: &[Value], format: ExportFormat, out: &mut dyn Write) -> std::io::Result<u64> {
    match format {
        ExportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)?;
        }
        ExportFormat::Ndjson => {
            for row in rows {
                serde_json::to_writer(&mut *out, row)?;
                writeln!(out)?;
            }
        }
        ExportFormat::Csv => {
            let flat: Vec<Vec<(String, String)>> = rows
                .iter()
                .map(|row| {
                    let mut cells = Vec::new();
                    flatten("", row, &mut cells);
                    cells
                })
                .collect();
            let mut columns: Vec<String> = Vec::new();
            for (name, _) in flat.iter().flatten() {
                if !columns.contains(name) {
                    columns.push(name.clone());
                }
            }
            let mut writer = csv::Writer::from_writer(&mut *out);
            writer.write_record(&columns)?;
            for cells in &flat {
                let record: Map<String, Value> =
                    cells.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
                writer.write_record(columns.iter().map(|c| record.get(c).and_then(Value::as_str).unwrap_or("")))?;
            }
            writer.flush()?;
        }
    }
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_fields_become_columns_and_lists_stay_in_one_cell() {
        let rows = vec![
            json!({"name": "Alice, A.", "identity": {"email": "a@x"}, "commits": 3, "paths": ["a", "b"]}),
            json!({"name": "Bob \"B\"", "identity": {"email": null}, "commits": 1, "extra": true}),
        ];
        let mut out = Vec::new();
        assert_eq!(write_table(&rows, ExportFormat::Csv, &mut out).unwrap(), 2);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "commits,identity.email,name,paths,extra\n3,a@x,\"Alice, A.\",\"[\"\"a\"\",\"\"b\"\"]\",\n1,,\"Bob \"\"B\"\"\",,true\n"
        );
        let mut out = Vec::new();
        write_table(&rows, ExportFormat::Ndjson, &mut out).unwrap();
        let back: Vec<Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(back, rows);
    }
}
