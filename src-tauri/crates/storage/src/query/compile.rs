//! Filter model → SQL. Fields are whitelisted, each with the operators its type allows; every value
//! is a bound parameter, never spliced into the SQL text. A wrong field, operator or value gets a
//! `query` error that names the problem and lists what is valid.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::model::{CommitQuery, Condition, Filter, DEFAULT_LIMIT, MAX_DEPTH, MAX_IN_VALUES, MAX_LIMIT};
use crate::error::{Result, StoreError};
use crate::model::Backend;

/// A value bound to a `$N` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Int(i64),
}

/// SQL pieces for `SELECT … FROM commits c JOIN repositories r … JOIN workspaces w … WHERE …`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledQuery {
    /// Conditions of the filter (no cursor), for the page and for the total count.
    pub filter_sql: String,
    /// The keyset condition of the cursor, `TRUE` without one.
    pub cursor_sql: String,
    pub order_sql: String,
    pub binds: Vec<Bind>,
    /// Binds of `filter_sql` alone: the first `filter_binds` of `binds`.
    pub filter_binds: usize,
    pub limit: i64,
    pub offset: i64,
    /// The sort expression, read back to build the next cursor.
    pub sort_sql: String,
    pub sort_is_text: bool,
    /// Branch or tag names the filter uses: their reachable commits must be computed (see
    /// `ref_reach`) before the query runs.
    pub branches: Vec<String>,
    /// The words and phrases of the full-text conditions that must match (not negated), for
    /// highlighting them in the results.
    pub search_terms: Vec<super::snippet::SearchTerm>,
    /// The sort value is a computed rank, read back from the `sort_key` column of the page query.
    pub sort_is_rank: bool,
    /// Joined after `FROM commits c …` in the page query (the full-text ranks on SQLite).
    pub join_sql: String,
    /// SQLite's change index is read in Rust: each of these binds is a placeholder to be replaced
    /// by the candidates of its search (`change_grams::candidates`) before the query runs.
    pub change_lookups: Vec<ChangeLookup>,
}

/// A `change:`, `added:` or `removed:` text whose candidate commits are looked up in SQLite's
/// change index, and the bind that receives them (a JSON array of commit ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLookup {
    pub bind: usize,
    pub text: String,
    pub columns: Vec<&'static str>,
}

/// What a filter field holds, which decides the operators it takes and how values are read. The
/// UI's `FieldKind` is generated from it (`ref` is a branch or tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "FieldKind")]
pub enum Kind {
    Text,
    Path,
    Hash,
    Int,
    Date,
    Bool,
    /// Full-text: words or a phrase in the message or the changed paths.
    Words,
    /// Text in the lines a commit adds or removes.
    Lines,
    /// Reachable from a branch or tag.
    #[serde(rename = "ref")]
    Branch,
}

impl Kind {
    /// The operators a field of this kind accepts.
    pub fn ops(self) -> &'static [&'static str] {
        match self {
            Kind::Text => &["eq", "ne", "in", "not_in", "like"],
            Kind::Path => &["eq", "ne", "in", "not_in", "like", "glob"],
            Kind::Hash | Kind::Branch => &["eq", "ne", "in", "not_in"],
            Kind::Int | Kind::Date => &["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"],
            Kind::Bool => &["eq", "ne"],
            // `match`: the words in any of their forms (stems), in order; `phrase`: exactly these
            // words in order; `prefix`: the last word may continue (`cach` finds "caching").
            Kind::Words => &["match", "phrase", "prefix"],
            // Part of a line (git log -G with literal text); any ASCII case unless it has capitals.
            Kind::Lines => &["contains"],
        }
    }
}

/// One filter field: its name in the filter model, what the UI calls it, its kind and the columns
/// it reads (a field over two columns matches either).
struct FieldDef {
    name: &'static str,
    label: &'static str,
    kind: Kind,
    columns: &'static [&'static str],
}

/// The filter fields, in the order the UI offers them: the one table of them (the UI's list is
/// generated from it, see `filter_fields`).
const FIELD_TABLE: &[FieldDef] = &[
    FieldDef { name: "text", label: "Words (full text)", kind: Kind::Words, columns: &["c.id"] },
    FieldDef {
        name: "change",
        label: "Changed lines (added or removed)",
        kind: Kind::Lines,
        columns: &["added", "removed"],
    },
    FieldDef { name: "added", label: "Added lines", kind: Kind::Lines, columns: &["added"] },
    FieldDef { name: "removed", label: "Removed lines", kind: Kind::Lines, columns: &["removed"] },
    FieldDef { name: "author", label: "Author", kind: Kind::Text, columns: &["c.author_name", "c.author_email"] },
    FieldDef {
        name: "committer",
        label: "Committer",
        kind: Kind::Text,
        columns: &["c.committer_name", "c.committer_email"],
    },
    FieldDef { name: "message", label: "Message", kind: Kind::Text, columns: &["c.message"] },
    // A file renamed away also changed its old path, as `git log -- PATH` sees it.
    FieldDef { name: "path", label: "Path", kind: Kind::Path, columns: &["f.path", "f.old_path"] },
    FieldDef { name: "date", label: "Date", kind: Kind::Date, columns: &["c.committer_time"] },
    FieldDef { name: "author_date", label: "Author date", kind: Kind::Date, columns: &["c.author_time"] },
    FieldDef { name: "hash", label: "Hash", kind: Kind::Hash, columns: &["c.hash"] },
    FieldDef { name: "additions", label: "Additions", kind: Kind::Int, columns: &["c.total_additions"] },
    FieldDef { name: "deletions", label: "Deletions", kind: Kind::Int, columns: &["c.total_deletions"] },
    FieldDef { name: "files_changed", label: "Files changed", kind: Kind::Int, columns: &["c.files_changed"] },
    FieldDef { name: "merge", label: "Merge commit", kind: Kind::Bool, columns: &["c.parent_count"] },
    FieldDef { name: "branch", label: "Branch or tag", kind: Kind::Branch, columns: &["c.id"] },
    FieldDef { name: "repository", label: "Repository", kind: Kind::Text, columns: &["r.name"] },
    FieldDef { name: "workspace", label: "Workspace", kind: Kind::Text, columns: &["w.name"] },
];

/// Field name → its kind and the columns it reads.
fn field(name: &str) -> Option<(Kind, &'static [&'static str])> {
    FIELD_TABLE.iter().find(|f| f.name == name).map(|f| (f.kind, f.columns))
}

/// The names of the filter fields.
pub fn field_names() -> Vec<&'static str> {
    FIELD_TABLE.iter().map(|f| f.name).collect()
}

/// A filter field as the UI's filter builder offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FilterField {
    pub id: String,
    pub label: String,
    pub kind: Kind,
    /// Every operator the field accepts.
    pub ops: Vec<String>,
}

/// Every filter field, for the UI (`ui/src/bindings/filterFields.ts` is written from this).
pub fn filter_fields() -> Vec<FilterField> {
    FIELD_TABLE
        .iter()
        .map(|f| FilterField {
            id: f.name.into(),
            label: f.label.into(),
            kind: f.kind,
            ops: f.kind.ops().iter().map(|op| op.to_string()).collect(),
        })
        .collect()
}

const SORTS: &[&str] =
    &["date", "author_date", "additions", "deletions", "files_changed", "author", "hash", "relevance"];

/// What `relevance` ranks by: the first full-text condition that must match.
#[derive(Debug, Clone)]
struct Ranked {
    /// SQLite: the placeholder of the FTS5 MATCH expression.
    sqlite_match: String,
    /// PostgreSQL: the vector column and the tsquery expression.
    pg_vector: &'static str,
    pg_query: String,
}

/// How well a commit matches the first full-text condition, as a whole number (higher is better)
/// so that it pages with the same keyset cursor as the other sorts: a join to add to the page
/// query and the rank expression. SQLite ranks every match with FTS5's BM25 in one pass (a
/// correlated `bm25()` per row would run the search once per row); PostgreSQL computes `ts_rank`
/// from each row's own vector. The two orders are alike, not identical.
fn rank_sql(backend: Backend, ranked: &Ranked) -> (String, String) {
    match backend {
        Backend::Sqlite => (
            format!(
                "LEFT JOIN (SELECT rowid AS ranked_id, CAST(-bm25(commit_search) * 1000000 AS INTEGER) AS rank \
                 FROM commit_search WHERE commit_search MATCH {}) ranks ON ranks.ranked_id = c.id",
                ranked.sqlite_match
            ),
            "COALESCE(ranks.rank, 0)".into(),
        ),
        Backend::Postgres => {
            (String::new(), format!("CAST(ts_rank({}, {}) * 1000000 AS BIGINT)", ranked.pg_vector, ranked.pg_query))
        }
    }
}

fn invalid(problem: String) -> StoreError {
    StoreError::Query(problem)
}

pub fn compile(query: &CommitQuery, backend: Backend) -> Result<CompiledQuery> {
    let sort_by = query.options.sort_by.as_deref().unwrap_or("date");
    let mut compiler = Compiler {
        binds: Vec::new(),
        backend,
        branches: Vec::new(),
        search_terms: Vec::new(),
        ranked_terms: None,
        negated: false,
        // SQLite has an index in these orders (see `Compiler::scan_in_order`).
        scan_in_order: backend == Backend::Sqlite && matches!(sort_by, "date" | "author_date"),
        change_lookups: Vec::new(),
    };
    let filter_sql = match &query.filter {
        Some(filter) => compiler.filter(filter, 1)?,
        None => "TRUE".to_string(),
    };
    let filter_binds = compiler.binds.len();
    let options = &query.options;
    let limit = options.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(invalid(format!("limit must be between 1 and {MAX_LIMIT}, got {limit}")));
    }
    let mut join_sql = String::new();
    let relevance;
    let (sort_sql, sort_is_text) = match sort_by {
        "relevance" => {
            let Some(terms) = compiler.ranked_terms.clone() else {
                return Err(invalid(
                    "sort_by relevance needs a full-text condition (a `text` field or words in the search box)".into(),
                ));
            };
            let (join, rank) = rank_sql(backend, &terms);
            join_sql = join;
            relevance = rank;
            (relevance.as_str(), false)
        }
        "date" => ("c.committer_time", false),
        "author_date" => ("c.author_time", false),
        "additions" => ("COALESCE(c.total_additions, -1)", false),
        "deletions" => ("COALESCE(c.total_deletions, -1)", false),
        "files_changed" => ("c.files_changed", false),
        "author" => (if backend == Backend::Postgres { "c.author_name COLLATE \"C\"" } else { "c.author_name" }, true),
        "hash" => ("c.hash", true),
        other => return Err(invalid(format!("unknown sort_by {other:?}; valid: {}", SORTS.join(", ")))),
    };
    let descending = match options.sort_order.as_deref().unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        other => return Err(invalid(format!("unknown sort_order {other:?}; valid: asc, desc"))),
    };
    let direction = if descending { "DESC" } else { "ASC" };
    // Ties are broken by hash (the same on every backend, unlike row ids) and then by id (the
    // same commit may be stored in two repositories).
    let cursor_sql = match &options.cursor {
        Some(cursor) => {
            let (value, hash, id) = decode_cursor(cursor, sort_is_text)?;
            let value = compiler.bind(value);
            let hash = compiler.bind(Bind::Text(hash));
            let id = compiler.bind(Bind::Int(id));
            let cmp = if descending { "<" } else { ">" };
            format!(
                "({sort_sql} {cmp} {value} OR ({sort_sql} = {value} AND \
                 (c.hash {cmp} {hash} OR (c.hash = {hash} AND c.id {cmp} {id}))))"
            )
        }
        None => "TRUE".to_string(),
    };
    Ok(CompiledQuery {
        filter_sql,
        cursor_sql,
        order_sql: format!("{sort_sql} {direction}, c.hash {direction}, c.id {direction}"),
        binds: compiler.binds,
        filter_binds,
        limit: i64::from(limit),
        offset: i64::from(options.offset.unwrap_or(0)),
        sort_sql: sort_sql.to_string(),
        sort_is_text,
        branches: compiler.branches,
        search_terms: compiler.search_terms,
        sort_is_rank: sort_by == "relevance",
        join_sql,
        change_lookups: compiler.change_lookups,
    })
}

/// An opaque cursor: the hex of `[sort value, hash, id]` of the last row, as JSON.
pub fn encode_cursor(value: &Bind, hash: &str, id: i64) -> String {
    let value = match value {
        Bind::Text(text) => Value::from(text.as_str()),
        Bind::Int(n) => Value::from(*n),
    };
    hex::encode(serde_json::to_vec(&(value, hash, id)).expect("JSON of plain values"))
}

fn decode_cursor(cursor: &str, text: bool) -> Result<(Bind, String, i64)> {
    let bad = || invalid(format!("cursor {cursor:?} is not one this query returned"));
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let (value, hash, id): (Value, String, i64) = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let value = match (value, text) {
        (Value::String(s), true) => Bind::Text(s),
        (Value::Number(n), false) => Bind::Int(n.as_i64().ok_or_else(bad)?),
        _ => return Err(bad()),
    };
    Ok((value, hash, id))
}

struct Compiler {
    binds: Vec<Bind>,
    backend: Backend,
    branches: Vec<String>,
    search_terms: Vec<super::snippet::SearchTerm>,
    /// The first full-text condition that must match: what `relevance` ranks by.
    ranked_terms: Option<Ranked>,
    /// Inside an odd number of `not`s.
    negated: bool,
    /// The page is read in an index's order and stops after a page: a full-text match is then
    /// tested per row (`+c.id IN …`, the list built once) rather than driving the scan, which
    /// would fetch and sort every match (27 ms against 3.5 ms for a word in 25,000 of 100,000
    /// commits; a word in none costs one pass over the index, 9-13 ms).
    scan_in_order: bool,
    change_lookups: Vec<ChangeLookup>,
}

impl Compiler {
    fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    fn filter(&mut self, filter: &Filter, depth: usize) -> Result<String> {
        if depth > MAX_DEPTH {
            return Err(invalid(format!("the filter nests deeper than {MAX_DEPTH} levels")));
        }
        match filter {
            Filter::And(parts) | Filter::Or(parts) => {
                if parts.is_empty() {
                    return Ok(if matches!(filter, Filter::And(_)) { "TRUE" } else { "FALSE" }.into());
                }
                let joiner = if matches!(filter, Filter::And(_)) { " AND " } else { " OR " };
                let parts: Result<Vec<String>> = parts.iter().map(|p| self.filter(p, depth + 1)).collect();
                Ok(format!("({})", parts?.join(joiner)))
            }
            Filter::Not(inner) => {
                self.negated = !self.negated;
                let inner = self.filter(inner, depth + 1);
                self.negated = !self.negated;
                Ok(format!("NOT {}", inner?))
            }
            Filter::Condition(condition) => self.condition(condition),
        }
    }

    fn condition(&mut self, c: &Condition) -> Result<String> {
        let (kind, columns) = field(&c.field).ok_or_else(|| {
            invalid(format!("unknown field {:?}; valid fields: {}", c.field, field_names().join(", ")))
        })?;
        let ops = kind.ops();
        if !ops.contains(&c.op.as_str()) {
            return Err(invalid(format!(
                "operator {:?} does not apply to {} (a {}); valid: {}",
                c.op,
                c.field,
                kind_name(kind),
                ops.join(", ")
            )));
        }
        // Negative operators are the negation of their positive twin, so a field over two
        // columns (author name or e-mail) means "neither", and a path "no changed file".
        let (positive, negate) = match c.op.as_str() {
            "ne" => ("eq", true),
            "not_in" => ("in", true),
            op => (op, false),
        };
        let values: Vec<&Value> = if positive == "in" {
            let list = c
                .value
                .as_array()
                .ok_or_else(|| invalid(format!("{} {} needs a list of values, got {}", c.field, c.op, c.value)))?;
            if list.is_empty() || list.len() > MAX_IN_VALUES {
                return Err(invalid(format!("{} {} needs 1 to {MAX_IN_VALUES} values", c.field, c.op)));
            }
            list.iter().collect()
        } else {
            vec![&c.value]
        };
        let binds: Vec<Bind> = values.iter().map(|v| self.value(kind, &c.field, positive, v)).collect::<Result<_>>()?;
        if kind == Kind::Lines {
            let Bind::Text(text) = &binds[0] else { unreachable!("lines bind as text") };
            return Ok(self.lines_condition(columns, text));
        }
        let column_conditions: Vec<String> =
            columns.iter().map(|column| self.column_condition(kind, column, positive, &binds)).collect();
        let mut sql = format!("({})", column_conditions.join(" OR "));
        if kind == Kind::Path {
            sql = format!("EXISTS (SELECT 1 FROM file_changes f WHERE f.commit_id = c.id AND {sql})");
        }
        Ok(if negate { format!("NOT {sql}") } else { sql })
    }

    fn column_condition(&mut self, kind: Kind, column: &str, op: &str, binds: &[Bind]) -> String {
        if kind == Kind::Bool {
            // `merge eq true`: more than one parent.
            let Bind::Int(flag) = binds[0] else { unreachable!("booleans bind as integers") };
            return if flag == 1 { format!("{column} > 1") } else { format!("{column} <= 1") };
        }
        if kind == Kind::Words {
            let p = self.bind(binds[0].clone());
            let (sqlite_match, pg_vector, pg_query) = match op {
                "match" => (p.clone(), "c.stems", format!("phraseto_tsquery('simple', {p})")),
                "phrase" => (p.clone(), "c.search", format!("phraseto_tsquery('simple', {p})")),
                _ => (p.clone(), "c.search", format!("to_tsquery('simple', {p})")),
            };
            if !self.negated && self.ranked_terms.is_none() {
                self.ranked_terms =
                    Some(Ranked { sqlite_match: sqlite_match.clone(), pg_vector, pg_query: pg_query.clone() });
            }
            return match self.backend {
                Backend::Sqlite => {
                    let probe = if self.scan_in_order { "+" } else { "" };
                    format!(
                        "{probe}{column} IN (SELECT rowid FROM commit_search WHERE commit_search MATCH {sqlite_match})"
                    )
                }
                Backend::Postgres => format!("{pg_vector} @@ {pg_query}"),
            };
        }
        if kind == Kind::Branch {
            let mut names = Vec::new();
            for bind in binds {
                let Bind::Text(name) = bind else { unreachable!("branches bind as text") };
                self.branches.push(name.clone());
                for full in ref_names(name) {
                    names.push(self.bind(Bind::Text(full)));
                }
            }
            // A probe of the reach table's primary key per candidate commit: the scan in sort
            // order stops after a page, where an `IN (SELECT …)` would first list every commit.
            // PostgreSQL gets the ref ids as one array computed first: joined to `refs`, its
            // planner guesses a ref reaches ~1/1,000 of the commits and sorts every match
            // (400 ms on 100k commits instead of 2 ms).
            let names = names.join(", ");
            let ref_ids = match self.backend {
                Backend::Sqlite => format!("rr.ref_id IN (SELECT rf.id FROM refs rf WHERE rf.name IN ({names}))"),
                Backend::Postgres => {
                    format!("rr.ref_id = ANY (ARRAY(SELECT rf.id FROM refs rf WHERE rf.name IN ({names})))")
                }
            };
            return format!("EXISTS (SELECT 1 FROM ref_reach rr WHERE rr.commit_id = {column} AND {ref_ids})");
        }
        if kind == Kind::Hash {
            // A hash matches by prefix, as an index range.
            let ranges: Vec<String> = binds
                .iter()
                .map(|b| {
                    let Bind::Text(prefix) = b else { unreachable!("hashes bind as text") };
                    let low = self.bind(Bind::Text(prefix.clone()));
                    let high = self.bind(Bind::Text(format!("{prefix}g")));
                    format!("({column} >= {low} AND {column} < {high})")
                })
                .collect();
            return ranges.join(" OR ");
        }
        match op {
            "in" => {
                let placeholders: Vec<String> = binds.iter().map(|b| self.bind(b.clone())).collect();
                format!("{column} IN ({})", placeholders.join(", "))
            }
            "like" => {
                // ASCII case folding on both sides, identical on both backends (SQLite's lower()
                // folds ASCII only; PostgreSQL's does the same under the "C" collation).
                let p = self.bind(binds[0].clone());
                match self.backend {
                    Backend::Sqlite => format!("lower({column}) LIKE {p}"),
                    Backend::Postgres => format!("lower({column} COLLATE \"C\") LIKE {p}"),
                }
            }
            "glob" => {
                let p = self.bind(binds[0].clone());
                match self.backend {
                    Backend::Sqlite => format!("{column} GLOB {p}"),
                    Backend::Postgres => format!("{column} ~ {p}"),
                }
            }
            _ => {
                let sql_op = match op {
                    "eq" => "=",
                    "gt" => ">",
                    "gte" => ">=",
                    "lt" => "<",
                    "lte" => "<=",
                    other => unreachable!("operator {other} was checked"),
                };
                let p = self.bind(binds[0].clone());
                format!("{column} {sql_op} {p}")
            }
        }
    }

    /// A commit whose added (or removed) lines contain `text`: any ASCII case unless `text` has
    /// capitals. Text of three characters or more is looked up in the change index (commit lists
    /// of three-byte sequences, see `change_grams`); shorter text scans the stored lines. Every
    /// candidate's stored lines are then tested, as a probe of the commit's own row, so a page read
    /// in date order stops testing once it is full.
    fn lines_condition(&mut self, columns: &[&'static str], text: &str) -> String {
        let case_sensitive = text.chars().any(char::is_uppercase);
        let probe = if self.scan_in_order { "+" } else { "" };
        let like = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let tests: Vec<String> = match (self.backend, case_sensitive) {
            (Backend::Sqlite, true) => {
                let t = self.bind(Bind::Text(text.to_string()));
                columns.iter().map(|col| format!("instr(t.{col}, {t}) > 0")).collect()
            }
            (Backend::Postgres, true) => {
                let t = self.bind(Bind::Text(text.to_string()));
                columns.iter().map(|col| format!("strpos(t.{col}, {t}) > 0")).collect()
            }
            (backend, false) => {
                let p = self.bind(Bind::Text(like));
                // The index folds ASCII letters only, as SQLite's LIKE does; PostgreSQL's ILIKE
                // folds every letter, so other text is not looked up there (below).
                let op = if backend == Backend::Postgres { "ILIKE" } else { "LIKE" };
                columns.iter().map(|col| format!("t.{col} {op} {p} ESCAPE '\\'")).collect()
            }
        };
        let probed =
            format!("EXISTS (SELECT 1 FROM change_text t WHERE t.commit_id = c.id AND ({}))", tests.join(" OR "));
        let unfolded = self.backend == Backend::Postgres && !case_sensitive && !text.is_ascii();
        if text.chars().count() < 3 || unfolded {
            return probed;
        }
        // The candidates replace this placeholder before the query runs. Commits still queued for
        // the index (an import indexes them last) are scanned, so an answer is complete while the
        // index catches up.
        let candidates = self.bind(Bind::Text("[]".into()));
        self.change_lookups.push(ChangeLookup {
            bind: self.binds.len() - 1,
            text: text.to_string(),
            columns: columns.to_vec(),
        });
        match self.backend {
            Backend::Sqlite => format!(
                "(({probe}c.id IN (SELECT value FROM json_each({candidates})) \
                 OR {probe}c.id IN (SELECT commit_id FROM change_index_queue)) AND {probed})"
            ),
            // The test as a scalar subquery (false, not NULL, when it fails: the condition may be
            // negated), which PostgreSQL does not turn into a join: as an
            // EXISTS it became a semi-join reading every change text with ILIKE (1.4 s on 100k
            // commits for `return 4242`). This way the cheap candidate filter runs first, and a
            // page read in date order stops testing once it is full.
            Backend::Postgres => format!(
                "((c.id IN (SELECT jsonb_array_elements_text({candidates}::jsonb)::bigint) \
                 OR c.id IN (SELECT commit_id FROM change_index_queue)) \
                 AND COALESCE((SELECT true FROM change_text t WHERE t.commit_id = c.id AND ({})), false))",
                tests.join(" OR ")
            ),
        }
    }

    fn value(&mut self, kind: Kind, field: &str, op: &str, value: &Value) -> Result<Bind> {
        let wrong = |expected: &str| invalid(format!("{field} {op} needs {expected}, got {value}"));
        match kind {
            Kind::Branch => {
                let text = value.as_str().map(str::trim).filter(|t| !t.is_empty());
                let text = text.ok_or_else(|| wrong("a branch or tag name"))?;
                crate::validate::no_nul(field, text)?;
                Ok(Bind::Text(text.to_string()))
            }
            Kind::Text | Kind::Path => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                crate::validate::no_nul(field, text)?;
                if kind == Kind::Path && op == "glob" && self.backend == Backend::Postgres {
                    return Ok(Bind::Text(glob_to_regex(text)));
                }
                if op == "like" {
                    return Ok(Bind::Text(text.to_ascii_lowercase()));
                }
                Ok(Bind::Text(text.to_string()))
            }
            Kind::Hash => {
                let text = value.as_str().ok_or_else(|| wrong("a hash or hash prefix"))?;
                crate::validate::hash_prefix(field, text).map(Bind::Text).map_err(|e| invalid(e.to_string()))
            }
            Kind::Int => value.as_i64().map(Bind::Int).ok_or_else(|| wrong("a whole number")),
            Kind::Bool => value.as_bool().map(|b| Bind::Int(i64::from(b))).ok_or_else(|| wrong("true or false")),
            Kind::Words => {
                let text = value.as_str().ok_or_else(|| wrong("words to search for"))?;
                crate::validate::no_nul(field, text)?;
                let words = match op {
                    "match" => crate::search_text::stems(text),
                    _ => crate::search_text::words(text),
                };
                if words.is_empty() {
                    return Err(wrong("words to search for"));
                }
                if !self.negated {
                    self.search_terms.push(match op {
                        "match" => super::snippet::SearchTerm::Stems(words.clone()),
                        "phrase" => super::snippet::SearchTerm::Words(words.clone()),
                        _ => super::snippet::SearchTerm::Prefix(words.clone()),
                    });
                }
                // The words are letters and digits only (see `search_text::words`), so nothing in
                // them can be read as query syntax by either backend.
                let joined = words.join(" ");
                Ok(Bind::Text(match (self.backend, op) {
                    (Backend::Sqlite, "match") => format!("stems : \"{joined}\""),
                    (Backend::Sqlite, "phrase") => format!("{{message paths}} : \"{joined}\""),
                    (Backend::Sqlite, _) => format!("{{message paths}} : \"{joined}\" *"),
                    (Backend::Postgres, "prefix") => {
                        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
                        format!("{}:*", quoted.join(" <-> "))
                    }
                    (Backend::Postgres, _) => joined,
                }))
            }
            Kind::Lines => {
                let text = value
                    .as_str()
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| wrong("text to find in the changed lines"))?;
                crate::validate::no_nul(field, text)?;
                if text.contains(['\n', '\r']) {
                    return Err(wrong("text within one line (no line breaks)"));
                }
                Ok(Bind::Text(text.to_string()))
            }
            Kind::Date => parse_date(value).map(Bind::Int).ok_or_else(|| {
                wrong("a date: YYYY-MM-DD, an RFC 3339 time like 2024-01-31T12:00:00+01:00, or Unix seconds")
            }),
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text field",
        Kind::Path => "path field",
        Kind::Hash => "hash field",
        Kind::Int => "number field",
        Kind::Date => "date field",
        Kind::Bool => "true/false field",
        Kind::Words => "full-text field",
        Kind::Lines => "changed-lines field",
        Kind::Branch => "branch or tag name",
    }
}

/// The full ref names a `branch` value stands for: itself when it is one (`refs/...`), otherwise
/// the branch and the tag of that name.
pub fn ref_names(name: &str) -> Vec<String> {
    if name.starts_with("refs/") {
        vec![name.to_string()]
    } else {
        vec![format!("refs/heads/{name}"), format!("refs/tags/{name}")]
    }
}

/// `YYYY-MM-DD` (midnight UTC), RFC 3339, or Unix seconds.
pub fn parse_date(value: &Value) -> Option<i64> {
    if let Some(seconds) = value.as_i64() {
        return Some(seconds);
    }
    let text = value.as_str()?;
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
    }
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp())
}

/// A shell glob (`*`, `?`, `[...]`) as an anchored regular expression, for PostgreSQL's `~`; the
/// same matches as SQLite's GLOB (`*` crosses `/`).
fn glob_to_regex(glob: &str) -> String {
    let mut regex = String::from("^");
    let mut in_class = false;
    for ch in glob.chars() {
        match ch {
            '*' if !in_class => regex.push_str(".*"),
            '?' if !in_class => regex.push('.'),
            '[' if !in_class => {
                in_class = true;
                regex.push('[');
            }
            ']' if in_class => {
                in_class = false;
                regex.push(']');
            }
            '^' if in_class => regex.push('^'),
            c if !in_class && "\\.+()|{}$^".contains(c) => {
                regex.push('\\');
                regex.push(c);
            }
            c => regex.push(c),
        }
    }
    regex.push('$');
    regex
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `filterFields.ts` beside the ts-rs bindings (`TS_RS_EXPORT_DIR`, set for cargo in
    /// `.cargo/config.toml`): the UI's filter builder reads the fields from there, and the test
    /// script fails when the committed file differs.
    #[test]
    fn writes_the_filter_fields_for_the_ui() {
        let fields = filter_fields();
        assert_eq!(fields.len(), field_names().len());
        assert!(fields.iter().all(|f| field(&f.id).is_some() && !f.ops.is_empty()));
        let branch = fields.iter().find(|f| f.id == "branch").unwrap();
        assert_eq!(serde_json::to_value(branch.kind).unwrap(), "ref");
        let Ok(dir) = std::env::var("TS_RS_EXPORT_DIR") else { return };
        let json = serde_json::to_string_pretty(&fields).unwrap();
        let text = format!(
            "// Generated from the filter field table in src-tauri/crates/storage/src/query/compile.rs; do not\n\
             // edit (`cargo test` rewrites it).\n\
             import type {{ FilterField }} from \"./FilterField\";\n\n\
             export const FILTER_FIELDS: readonly FilterField[] = {json};\n"
        );
        std::fs::write(std::path::Path::new(&dir).join("filterFields.ts"), text).unwrap();
    }

    fn query(filter: Filter) -> CommitQuery {
        CommitQuery { filter: Some(filter), ..CommitQuery::default() }
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let hostile = "x'); DROP TABLE commits; --";
        let compiled = compile(&query(Filter::condition("author", "eq", hostile)), Backend::Sqlite).unwrap();
        assert!(!compiled.filter_sql.contains("DROP"), "{}", compiled.filter_sql);
        assert_eq!(compiled.binds, vec![Bind::Text(hostile.into()), Bind::Text(hostile.into())]);
        assert_eq!(compiled.filter_sql, "(c.author_name = $1 OR c.author_email = $2)");
    }

    #[test]
    fn errors_name_the_problem_and_list_what_is_valid() {
        let err = compile(&query(Filter::condition("auther", "eq", "x")), Backend::Sqlite).unwrap_err();
        assert_eq!(err.code(), "query");
        assert!(err.to_string().contains("unknown field \"auther\"") && err.to_string().contains("author, committer"));
        let err = compile(&query(Filter::condition("message", "gt", "x")), Backend::Sqlite).unwrap_err();
        assert!(err.to_string().contains("does not apply to message"), "{err}");
        assert!(err.to_string().contains("eq, ne, in, not_in, like"), "{err}");
        let err = compile(&query(Filter::condition("date", "gte", "last tuesday")), Backend::Sqlite).unwrap_err();
        assert!(err.to_string().contains("needs a date"), "{err}");
        let err = compile(&query(Filter::condition("additions", "gt", "ten")), Backend::Sqlite).unwrap_err();
        assert!(err.to_string().contains("needs a whole number"), "{err}");
        let err = compile(&query(Filter::condition("hash", "eq", "zz")), Backend::Sqlite).unwrap_err();
        assert_eq!(err.code(), "query");
        let mut deep = Filter::condition("merge", "eq", true);
        for _ in 0..20 {
            deep = Filter::Not(Box::new(deep));
        }
        let err = compile(&query(deep), Backend::Sqlite).unwrap_err();
        assert!(err.to_string().contains("nests deeper"), "{err}");
    }

    #[test]
    fn the_json_form_parses() {
        let json = r#"{"and": [{"field": "author", "op": "like", "value": "%alice%"},
                               {"not": {"field": "path", "op": "glob", "value": "*.md"}},
                               {"or": [{"field": "additions", "op": "gt", "value": 10}]}]}"#;
        let filter: Filter = serde_json::from_str(json).unwrap();
        let compiled = compile(&query(filter), Backend::Postgres).unwrap();
        assert!(compiled.filter_sql.contains("NOT EXISTS") || compiled.filter_sql.contains("NOT (EXISTS"));
        assert_eq!(compiled.binds[1], Bind::Text("%alice%".into()), "like patterns are bound as given, ASCII-lowered");
        assert_eq!(compiled.binds[2], Bind::Text("^.*\\.md$".into()), "globs become regexes on PostgreSQL");
    }

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let cursor = encode_cursor(&Bind::Int(1_700_000_000), "abcd", 42);
        assert_eq!(decode_cursor(&cursor, false).unwrap(), (Bind::Int(1_700_000_000), "abcd".into(), 42));
        assert!(decode_cursor(&cursor, true).is_err());
        assert!(decode_cursor("zz", false).is_err());
    }

    #[test]
    fn globs_become_anchored_regexes() {
        assert_eq!(glob_to_regex("src/*.rs"), "^src/.*\\.rs$");
        assert_eq!(glob_to_regex("a?[bc]"), "^a.[bc]$");
    }
}
