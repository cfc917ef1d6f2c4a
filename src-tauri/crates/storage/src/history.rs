//! Aggregates over a repository's stored history, for the analyses: the SQL lives here, beside every
//! other statement, and runs on the store's own pool; the analysis crate finishes the numbers in
//! Rust. Also the `analysis_runs` table, where analyses keep their runs and versioned results.

use async_trait::async_trait;

use crate::error::Result;
use crate::model::Backend;
use crate::query::Bind;

/// Seconds added before dividing times into days and hours, so integer division (which truncates
/// toward zero on both backends) floors for times before 1970 too (back to year 1, the oldest the
/// store accepts). A whole number of weeks, so weekdays stay where they were.
pub const TIME_SHIFT: i64 = 110_000 * 604_800;
/// `TIME_SHIFT` in days: a shifted day number minus this is days since 1970-01-01.
pub const SHIFT_DAYS: i64 = TIME_SHIFT / 86_400;

/// The commits an aggregate covers: one repository, optionally an author-time range and the commits
/// reachable from some refs (full names such as `refs/heads/main`, which must exist).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryScope {
    pub repository_id: i64,
    /// Author time at or after (Unix seconds).
    pub since: Option<i64>,
    /// Author time before (Unix seconds).
    pub until: Option<i64>,
    /// Empty: every stored commit of the repository.
    pub refs: Vec<String>,
    /// Changes and authors left out.
    pub filter: HistoryFilter,
}

impl HistoryScope {
    /// The same commits with every change kept: what counts commits or identities needs no paths.
    fn without_path_filters(&self) -> HistoryScope {
        let filter = HistoryFilter { include_paths: Vec::new(), exclude_paths: Vec::new(), ..self.filter.clone() };
        HistoryScope { filter, ..self.clone() }
    }
}

/// What an aggregate leaves out, as regular expressions matching a whole value, one per pattern
/// (the analysis crate writes them from path globs and author patterns). Only the subset both
/// backends read alike is meant: `^ $ .* [^/] (?: | )`, `(?i)` at the very start and `\`-escaped
/// punctuation. SQLite's `REGEXP` runs Rust's `regex` crate (registered by sqlx) on the patterns of
/// a list joined into one; PostgreSQL's `~` runs its own engine on each (it slows down sharply on
/// alternations of such patterns: 2 s instead of 0.1 s for the eleven default exclusions over
/// 256,000 paths).
///
/// The expressions run once per distinct path of the store and identity of the repository, in
/// `MATERIALIZED` CTEs of what they leave out, which the statements probe (`NOT IN`, a hash lookup
/// per row). Path filters follow `git log -- PATHSPEC`: commit-level aggregates
/// (`author_days`, `hour_totals`) count a commit only when at least one of its changes is kept
/// (merges: their diff against the first parent), with the lines of those changes. File-level
/// ones (`path_totals`, `commit_paths`, `author_path_lines`) return every row with a `kept` flag,
/// so what was left out is counted from the same rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// A change is kept only when its path matches one of these (empty: every path).
    pub include_paths: Vec<String>,
    /// A change whose path matches one of these is left out.
    pub exclude_paths: Vec<String>,
    /// A commit whose author name or e-mail (as stored, after `.mailmap`) matches one of these is
    /// left out.
    pub exclude_authors: Vec<String>,
}

impl HistoryFilter {
    pub fn filters_paths(&self) -> bool {
        !self.include_paths.is_empty() || !self.exclude_paths.is_empty()
    }
}

/// Commits of one identity on one day of its own local time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuthorDay {
    pub name: String,
    pub email: String,
    /// Days since 1970-01-01 plus `SHIFT_DAYS`, in the author's time zone.
    pub shifted_day: i64,
    pub commits: i64,
    pub additions: i64,
    pub deletions: i64,
    pub first_time: i64,
    pub last_time: i64,
}

/// Commits and lines of one local hour: hours since 1970-01-01 00:00 plus `TIME_SHIFT / 3600`, in
/// the author's time zone (`/ 24` is `AuthorDay::shifted_day`; the shift is whole weeks, and
/// 1970-01-01 was a Thursday, so `(shifted_hour + 72) % 168` counts hours from Monday 00:00).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HourTotals {
    pub shifted_hour: i64,
    pub commits: i64,
    pub additions: i64,
    pub deletions: i64,
}

/// What the history did to one path.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PathTotals {
    pub path: String,
    pub commits: i64,
    pub additions: i64,
    pub deletions: i64,
    /// The newest author time of a commit that changed it.
    pub last_changed: i64,
    /// Whether the path filters keep the path.
    pub kept: bool,
}

/// Lines one identity changed in one path (merges left out).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuthorPathLines {
    pub name: String,
    pub email: String,
    pub path: String,
    pub lines: i64,
    /// Whether the path filters keep the path.
    pub kept: bool,
}

/// Which commits' changes `commit_paths` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitPaths {
    All,
    NonMerge,
}

/// One file change of a commit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommitPath {
    pub commit_id: i64,
    pub path: String,
    /// Whether the path filters keep the path.
    pub kept: bool,
}

/// Commits of one identity (as stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityCommits {
    pub name: String,
    pub email: String,
    pub commits: i64,
}

/// Aggregates over the stored history of a repository, on either backend.
#[async_trait]
pub trait HistoryStats {
    /// Per (identity, local day): commits, lines, first and last author time.
    async fn author_days(&self, scope: &HistoryScope) -> Result<Vec<AuthorDay>>;
    /// Per local hour with commits, oldest first: days, weeks and the hour × weekday heatmap in one
    /// pass.
    async fn hour_totals(&self, scope: &HistoryScope) -> Result<Vec<HourTotals>>;
    /// Per changed path, kept or not.
    async fn path_totals(&self, scope: &HistoryScope) -> Result<Vec<PathTotals>>;
    /// The file changes of the chosen commits, kept or not, by commit id.
    async fn commit_paths(&self, scope: &HistoryScope, which: CommitPaths) -> Result<Vec<CommitPath>>;
    /// Per (identity, path), kept or not, merges left out.
    async fn author_path_lines(&self, scope: &HistoryScope) -> Result<Vec<AuthorPathLines>>;
    /// The identities the author filter leaves out, with all their commits in scope (path filters
    /// not applied); most commits first. Empty without an author filter.
    async fn left_out_authors(&self, scope: &HistoryScope) -> Result<Vec<IdentityCommits>>;
    /// Commits in scope whose authors are kept, path filters not applied.
    async fn commits_in_scope(&self, scope: &HistoryScope) -> Result<i64>;
}

/// The author's local time of a commit as shifted seconds (see `TIME_SHIFT`), in SQL.
fn local_time_sql() -> String {
    format!("(c.author_time + CAST(c.author_tz_offset AS BIGINT) * 60 + {TIME_SHIFT})")
}

/// Whose commits a compiled scope covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authors {
    /// The authors the filter keeps (every author without one).
    Kept,
    /// Only the authors the filter leaves out.
    LeftOut,
}

/// A scope compiled to SQL over `commits c` (and `file_changes f`): the CTEs to put before `SELECT`,
/// the `WHERE` conditions on commits, and the values bound as `$1..`.
pub(crate) struct ScopeSql {
    /// `reach(id)`: the commits reachable from the refs, when refs limit the scope;
    /// `identity_left_out(name, email)`: the identities of the repository the author filter leaves
    /// out; `path_left_out(path)`: the paths of the store the path filters leave out. MATERIALIZED:
    /// computed once, over `DISTINCT` values computed first (a condition is not pushed below it).
    ctes: Vec<String>,
    where_sql: String,
    filters_paths: bool,
    pub(crate) binds: Vec<Bind>,
}

impl ScopeSql {
    pub(crate) fn new(scope: &HistoryScope, backend: Backend, authors: Authors) -> ScopeSql {
        let mut binds = vec![Bind::Int(scope.repository_id)];
        let mut conditions = vec!["c.repository_id = $1".to_string()];
        if let Some(since) = scope.since {
            binds.push(Bind::Int(since));
            conditions.push(format!("c.author_time >= ${}", binds.len()));
        }
        if let Some(until) = scope.until {
            binds.push(Bind::Int(until));
            conditions.push(format!("c.author_time < ${}", binds.len()));
        }
        let mut ctes = Vec::new();
        if !scope.refs.is_empty() {
            let mut placeholders = Vec::new();
            for name in &scope.refs {
                binds.push(Bind::Text(name.clone()));
                placeholders.push(format!("${}", binds.len()));
            }
            // Reachability walked over the stored parents, inside the statement.
            ctes.push(format!(
                "reach(id) AS ( \
                   SELECT id FROM commits WHERE repository_id = $1 AND hash IN \
                     (SELECT target_hash FROM refs WHERE repository_id = $1 AND name IN ({})) \
                   UNION \
                   SELECT pc.id FROM reach JOIN commit_parents p ON p.commit_id = reach.id \
                   JOIN commits pc ON pc.repository_id = $1 AND pc.hash = p.parent_hash)",
                placeholders.join(", ")
            ));
            conditions.push("c.id IN (SELECT id FROM reach)".to_string());
        }
        let filter = &scope.filter;
        if !filter.exclude_authors.is_empty() {
            let name = matches_any(&mut binds, backend, "i.author_name", &filter.exclude_authors);
            let email = matches_any(&mut binds, backend, "i.author_email", &filter.exclude_authors);
            ctes.push(
                "identities AS MATERIALIZED \
                 (SELECT DISTINCT author_name, author_email FROM commits WHERE repository_id = $1)"
                    .to_string(),
            );
            ctes.push(format!(
                "identity_left_out(name, email) AS MATERIALIZED \
                 (SELECT i.author_name, i.author_email FROM identities i WHERE {name} OR {email})"
            ));
        }
        let side = if authors == Authors::Kept { "NOT IN" } else { "IN" };
        match (filter.exclude_authors.is_empty(), authors) {
            (false, _) => conditions
                .push(format!("(c.author_name, c.author_email) {side} (SELECT name, email FROM identity_left_out)")),
            (true, Authors::LeftOut) => conditions.push("FALSE".to_string()),
            (true, Authors::Kept) => {}
        }
        let mut kept = Vec::new();
        if !filter.include_paths.is_empty() {
            kept.push(matches_any(&mut binds, backend, "p.path", &filter.include_paths));
        }
        if !filter.exclude_paths.is_empty() {
            kept.push(format!("NOT {}", matches_any(&mut binds, backend, "p.path", &filter.exclude_paths)));
        }
        if !kept.is_empty() {
            // Every path of the store: DISTINCT over the path index, cheaper than over the
            // repository's changes (a join), and a path's verdict does not depend on its repository.
            ctes.push("paths AS MATERIALIZED (SELECT DISTINCT path FROM file_changes)".to_string());
            ctes.push(format!(
                "path_left_out(path) AS MATERIALIZED (SELECT p.path FROM paths p WHERE NOT ({}))",
                kept.join(" AND ")
            ));
        }
        ScopeSql { ctes, where_sql: conditions.join(" AND "), filters_paths: !kept.is_empty(), binds }
    }

    fn with_clause(&self) -> String {
        if self.ctes.is_empty() {
            String::new()
        } else {
            format!("WITH RECURSIVE {} ", self.ctes.join(", "))
        }
    }

    /// `{ctes}SELECT {select} FROM commits c {joins} WHERE {scope} [AND {extra_where}] {rest}`.
    fn sql(&self, select: &str, joins: &str, extra_where: &str, rest: &str) -> String {
        let extra = if extra_where.is_empty() { String::new() } else { format!(" AND {extra_where}") };
        format!("{}SELECT {select} FROM commits c {joins} WHERE {}{extra} {rest}", self.with_clause(), self.where_sql)
    }

    /// A commit-level aggregate over `c` (author name, e-mail, time, time zone, `total_additions`,
    /// `total_deletions`). With path filters, `c` holds only the commits with a kept change and
    /// their lines are summed over those changes.
    fn commits_sql(&self, select: &str, rest: &str) -> String {
        if !self.filters_paths {
            return self.sql(select, "", "", rest);
        }
        format!(
            "{}SELECT {select} FROM (SELECT c.id, c.author_name, c.author_email, c.author_time, c.author_tz_offset, \
               CAST(SUM(COALESCE(f.additions, 0)) AS BIGINT) AS total_additions, \
               CAST(SUM(COALESCE(f.deletions, 0)) AS BIGINT) AS total_deletions \
             FROM commits c JOIN file_changes f ON f.commit_id = c.id WHERE {} AND {} GROUP BY c.id) c {rest}",
            self.with_clause(),
            self.where_sql,
            self.kept_sql()
        )
    }

    /// A file-level aggregate over the changes `f` of the commits `c` in scope.
    fn changes_sql(&self, select: &str, extra_where: &str, rest: &str) -> String {
        self.sql(select, "JOIN file_changes f ON f.commit_id = c.id", extra_where, rest)
    }

    /// Whether the path filters keep the change `f`, in SQL (grouped by `f.path`, once per group).
    fn kept_sql(&self) -> &'static str {
        if self.filters_paths {
            "(f.path NOT IN (SELECT path FROM path_left_out))"
        } else {
            "TRUE"
        }
    }
}

/// `column` matches one of the regular expressions, which are bound: on SQLite joined into one
/// (`X REGEXP Y` calls regexp(Y, X), which sqlx registers with Rust's regex crate, fast on
/// alternations), on PostgreSQL one `~` each.
fn matches_any(binds: &mut Vec<Bind>, backend: Backend, column: &str, patterns: &[String]) -> String {
    match backend {
        Backend::Sqlite => {
            let any: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
            binds.push(Bind::Text(any.join("|")));
            format!("({column} REGEXP ${})", binds.len())
        }
        Backend::Postgres => {
            let each: Vec<String> = patterns
                .iter()
                .map(|p| {
                    binds.push(Bind::Text(p.clone()));
                    format!("{column} ~ ${}", binds.len())
                })
                .collect();
            format!("({})", each.join(" OR "))
        }
    }
}

fn lines_sql(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")
}

pub(crate) fn author_days_sql(s: &ScopeSql) -> String {
    let local = local_time_sql();
    s.commits_sql(
        &format!(
            "c.author_name AS name, c.author_email AS email, {local} / 86400 AS shifted_day, COUNT(*) AS commits, \
             {} AS additions, {} AS deletions, MIN(c.author_time) AS first_time, MAX(c.author_time) AS last_time",
            lines_sql("c.total_additions"),
            lines_sql("c.total_deletions")
        ),
        "GROUP BY 1, 2, 3",
    )
}

pub(crate) fn hour_totals_sql(s: &ScopeSql) -> String {
    let local = local_time_sql();
    s.commits_sql(
        &format!(
            "{local} / 3600 AS shifted_hour, COUNT(*) AS commits, {} AS additions, {} AS deletions",
            lines_sql("c.total_additions"),
            lines_sql("c.total_deletions")
        ),
        "GROUP BY 1 ORDER BY 1",
    )
}

pub(crate) fn path_totals_sql(s: &ScopeSql) -> String {
    s.changes_sql(
        &format!(
            "f.path AS path, COUNT(DISTINCT f.commit_id) AS commits, {} AS additions, {} AS deletions, \
             MAX(c.author_time) AS last_changed, {} AS kept",
            lines_sql("f.additions"),
            lines_sql("f.deletions"),
            s.kept_sql()
        ),
        "",
        "GROUP BY f.path",
    )
}

pub(crate) fn commit_paths_sql(s: &ScopeSql, which: CommitPaths) -> String {
    let extra = match which {
        CommitPaths::All => "",
        CommitPaths::NonMerge => "c.parent_count <= 1",
    };
    s.changes_sql(
        &format!("f.commit_id AS commit_id, f.path AS path, {} AS kept", s.kept_sql()),
        extra,
        "ORDER BY f.commit_id",
    )
}

pub(crate) fn author_path_lines_sql(s: &ScopeSql) -> String {
    s.changes_sql(
        &format!(
            "c.author_name AS name, c.author_email AS email, f.path AS path, \
             CAST(SUM(COALESCE(f.additions, 0) + COALESCE(f.deletions, 0)) AS BIGINT) AS lines, {} AS kept",
            s.kept_sql()
        ),
        "c.parent_count <= 1",
        "GROUP BY 1, 2, 3",
    )
}

/// Over a scope compiled with `Authors::LeftOut`.
pub(crate) fn left_out_authors_sql(s: &ScopeSql) -> String {
    s.sql(
        "c.author_name AS name, c.author_email AS email, COUNT(*) AS commits",
        "",
        "",
        "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
    )
}

pub(crate) fn commits_in_scope_sql(s: &ScopeSql) -> String {
    s.sql("COUNT(*)", "", "", "")
}

/// `HistoryStats` for a store type that implements `Dialect` (its pool and backend).
macro_rules! impl_history_stats {
    ($store:ty) => {
        const _: () = {
            use $crate::history::{self as h, ScopeSql};
            use $crate::sql::Dialect;

            impl $store {
                fn scope_sql(&self, scope: &h::HistoryScope, authors: h::Authors) -> ScopeSql {
                    ScopeSql::new(scope, self.store_info().backend, authors)
                }

                /// Every row of an aggregate over the scope (authors kept).
                async fn history_rows<T>(
                    &self,
                    scope: &h::HistoryScope,
                    sql: impl FnOnce(&ScopeSql) -> String,
                ) -> $crate::error::Result<Vec<T>>
                where
                    T: for<'r> sqlx::FromRow<'r, <<Self as Dialect>::Db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let s = self.scope_sql(scope, h::Authors::Kept);
                    let sql = sql(&s);
                    Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds).fetch_all(self.pool()).await?)
                }
            }

            #[async_trait::async_trait]
            impl h::HistoryStats for $store {
                async fn author_days(&self, scope: &h::HistoryScope) -> $crate::error::Result<Vec<h::AuthorDay>> {
                    self.history_rows(scope, h::author_days_sql).await
                }

                async fn hour_totals(&self, scope: &h::HistoryScope) -> $crate::error::Result<Vec<h::HourTotals>> {
                    self.history_rows(scope, h::hour_totals_sql).await
                }

                async fn path_totals(&self, scope: &h::HistoryScope) -> $crate::error::Result<Vec<h::PathTotals>> {
                    self.history_rows(scope, h::path_totals_sql).await
                }

                async fn commit_paths(
                    &self,
                    scope: &h::HistoryScope,
                    which: h::CommitPaths,
                ) -> $crate::error::Result<Vec<h::CommitPath>> {
                    self.history_rows(scope, |s| h::commit_paths_sql(s, which)).await
                }

                async fn author_path_lines(
                    &self,
                    scope: &h::HistoryScope,
                ) -> $crate::error::Result<Vec<h::AuthorPathLines>> {
                    self.history_rows(scope, h::author_path_lines_sql).await
                }

                async fn left_out_authors(
                    &self,
                    scope: &h::HistoryScope,
                ) -> $crate::error::Result<Vec<h::IdentityCommits>> {
                    if scope.filter.exclude_authors.is_empty() {
                        return Ok(Vec::new());
                    }
                    let s = self.scope_sql(&scope.without_path_filters(), h::Authors::LeftOut);
                    let sql = h::left_out_authors_sql(&s);
                    Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds).fetch_all(self.pool()).await?)
                }

                async fn commits_in_scope(&self, scope: &h::HistoryScope) -> $crate::error::Result<i64> {
                    let s = self.scope_sql(&scope.without_path_filters(), h::Authors::Kept);
                    let sql = h::commits_in_scope_sql(&s);
                    let (count,): (i64,) =
                        $crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds).fetch_one(self.pool()).await?;
                    Ok(count)
                }
            }
        };
    };
}

impl_history_stats!(crate::sqlite::SqliteStore);
impl_history_stats!(crate::postgres::PgStore);
