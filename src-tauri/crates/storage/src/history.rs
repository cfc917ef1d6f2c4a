//! Aggregates over a repository's stored history, for the analyses: the SQL lives here, beside every
//! other statement, and runs on the store's own pool; the analysis crate finishes the numbers in
//! Rust. Also the `analysis_runs` table, where analyses keep their runs and versioned results.

use async_trait::async_trait;

use crate::error::Result;
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

/// Commits and lines of one local day (shifted like `AuthorDay::shifted_day`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DayTotals {
    pub shifted_day: i64,
    pub commits: i64,
    pub additions: i64,
    pub deletions: i64,
}

/// Commits in one hour of the week (0 = Monday 00:00–01:00, author's local time).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HourCount {
    pub hour_of_week: i64,
    pub commits: i64,
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
}

/// Lines one identity changed in one path (merges left out).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuthorPathLines {
    pub name: String,
    pub email: String,
    pub path: String,
    pub lines: i64,
}

/// Which commits' (commit id, path) rows `commit_paths` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitPaths {
    /// Every file change in scope.
    All,
    /// Non-merge commits that changed at most this many files.
    NonMergeUpTo(u32),
}

/// Aggregates over the stored history of a repository, on either backend.
#[async_trait]
pub trait HistoryStats {
    /// Per (identity, local day): commits, lines, first and last author time.
    async fn author_days(&self, scope: &HistoryScope) -> Result<Vec<AuthorDay>>;
    /// Per local day, oldest first.
    async fn day_totals(&self, scope: &HistoryScope) -> Result<Vec<DayTotals>>;
    /// Per hour of the week that has commits.
    async fn hour_counts(&self, scope: &HistoryScope) -> Result<Vec<HourCount>>;
    /// Per changed path.
    async fn path_totals(&self, scope: &HistoryScope) -> Result<Vec<PathTotals>>;
    /// (commit id, path) of the file changes of the chosen commits, by commit id.
    async fn commit_paths(&self, scope: &HistoryScope, which: CommitPaths) -> Result<Vec<(i64, String)>>;
    /// Non-merge commits that changed more than `max_files` files.
    async fn count_wide_commits(&self, scope: &HistoryScope, max_files: u32) -> Result<i64>;
    /// Per (identity, path), merges left out.
    async fn author_path_lines(&self, scope: &HistoryScope) -> Result<Vec<AuthorPathLines>>;
}

/// The author's local time of a commit as shifted seconds (see `TIME_SHIFT`), in SQL.
fn local_time_sql() -> String {
    format!("(c.author_time + CAST(c.author_tz_offset AS BIGINT) * 60 + {TIME_SHIFT})")
}

/// A scope compiled to SQL over `commits c`: the CTE to put before `SELECT`, the `WHERE`
/// conditions, and the values bound as `$1..`.
pub(crate) struct ScopeSql {
    cte: String,
    where_sql: String,
    pub(crate) binds: Vec<Bind>,
}

impl ScopeSql {
    pub(crate) fn new(scope: &HistoryScope) -> ScopeSql {
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
        let mut cte = String::new();
        if !scope.refs.is_empty() {
            let mut placeholders = Vec::new();
            for name in &scope.refs {
                binds.push(Bind::Text(name.clone()));
                placeholders.push(format!("${}", binds.len()));
            }
            // Reachability walked over the stored parents, inside the statement.
            cte = format!(
                "WITH RECURSIVE reach(id) AS ( \
                   SELECT id FROM commits WHERE repository_id = $1 AND hash IN \
                     (SELECT target_hash FROM refs WHERE repository_id = $1 AND name IN ({})) \
                   UNION \
                   SELECT pc.id FROM reach JOIN commit_parents p ON p.commit_id = reach.id \
                   JOIN commits pc ON pc.repository_id = $1 AND pc.hash = p.parent_hash) ",
                placeholders.join(", ")
            );
            conditions.push("c.id IN (SELECT id FROM reach)".to_string());
        }
        ScopeSql { cte, where_sql: conditions.join(" AND "), binds }
    }

    /// Binds one more value; returns its placeholder number.
    pub(crate) fn bind(&mut self, value: Bind) -> usize {
        self.binds.push(value);
        self.binds.len()
    }

    /// `{cte}SELECT {select} FROM commits c {joins} WHERE {scope} [AND {extra_where}] {rest}`.
    pub(crate) fn sql(&self, select: &str, joins: &str, extra_where: &str, rest: &str) -> String {
        let extra = if extra_where.is_empty() { String::new() } else { format!(" AND {extra_where}") };
        format!("{}SELECT {select} FROM commits c {joins} WHERE {}{extra} {rest}", self.cte, self.where_sql)
    }
}

pub(crate) fn author_days_sql(s: &ScopeSql) -> String {
    let local = local_time_sql();
    s.sql(
        &format!(
            "c.author_name AS name, c.author_email AS email, {local} / 86400 AS shifted_day, COUNT(*) AS commits, \
             CAST(COALESCE(SUM(c.total_additions), 0) AS BIGINT) AS additions, \
             CAST(COALESCE(SUM(c.total_deletions), 0) AS BIGINT) AS deletions, \
             MIN(c.author_time) AS first_time, MAX(c.author_time) AS last_time"
        ),
        "",
        "",
        "GROUP BY 1, 2, 3",
    )
}

pub(crate) fn day_totals_sql(s: &ScopeSql) -> String {
    let local = local_time_sql();
    s.sql(
        &format!(
            "{local} / 86400 AS shifted_day, COUNT(*) AS commits, \
             CAST(COALESCE(SUM(c.total_additions), 0) AS BIGINT) AS additions, \
             CAST(COALESCE(SUM(c.total_deletions), 0) AS BIGINT) AS deletions"
        ),
        "",
        "",
        "GROUP BY 1 ORDER BY 1",
    )
}

/// Hour of the week from Monday 00:00: the shift is whole weeks, and 1970-01-01 was a Thursday
/// (3 days after a Monday).
pub(crate) fn hour_counts_sql(s: &ScopeSql) -> String {
    let local = local_time_sql();
    s.sql(&format!("(({local} + 259200) / 3600) % 168 AS hour_of_week, COUNT(*) AS commits"), "", "", "GROUP BY 1")
}

pub(crate) fn path_totals_sql(s: &ScopeSql) -> String {
    s.sql(
        "f.path AS path, COUNT(DISTINCT f.commit_id) AS commits, \
         CAST(COALESCE(SUM(f.additions), 0) AS BIGINT) AS additions, \
         CAST(COALESCE(SUM(f.deletions), 0) AS BIGINT) AS deletions, MAX(c.author_time) AS last_changed",
        "JOIN file_changes f ON f.commit_id = c.id",
        "",
        "GROUP BY f.path",
    )
}

pub(crate) fn commit_paths_sql(s: &mut ScopeSql, which: CommitPaths) -> String {
    let extra = match which {
        CommitPaths::All => String::new(),
        CommitPaths::NonMergeUpTo(max) => {
            let n = s.bind(Bind::Int(i64::from(max)));
            format!("c.parent_count <= 1 AND c.files_changed <= ${n}")
        }
    };
    s.sql("f.commit_id, f.path", "JOIN file_changes f ON f.commit_id = c.id", &extra, "ORDER BY f.commit_id")
}

pub(crate) fn count_wide_commits_sql(s: &mut ScopeSql, max_files: u32) -> String {
    let n = s.bind(Bind::Int(i64::from(max_files)));
    s.sql("COUNT(*)", "", &format!("c.parent_count <= 1 AND c.files_changed > ${n}"), "")
}

pub(crate) fn author_path_lines_sql(s: &ScopeSql) -> String {
    s.sql(
        "c.author_name AS name, c.author_email AS email, f.path AS path, \
         CAST(SUM(COALESCE(f.additions, 0) + COALESCE(f.deletions, 0)) AS BIGINT) AS lines",
        "JOIN file_changes f ON f.commit_id = c.id",
        "c.parent_count <= 1",
        "GROUP BY 1, 2, 3",
    )
}

/// `HistoryStats` for a store type that implements `Dialect` (its pool).
macro_rules! impl_history_stats {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::history::HistoryStats for $store {
            async fn author_days(
                &self,
                scope: &$crate::history::HistoryScope,
            ) -> $crate::error::Result<Vec<$crate::history::AuthorDay>> {
                let s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::author_days_sql(&s);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn day_totals(
                &self,
                scope: &$crate::history::HistoryScope,
            ) -> $crate::error::Result<Vec<$crate::history::DayTotals>> {
                let s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::day_totals_sql(&s);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn hour_counts(
                &self,
                scope: &$crate::history::HistoryScope,
            ) -> $crate::error::Result<Vec<$crate::history::HourCount>> {
                let s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::hour_counts_sql(&s);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn path_totals(
                &self,
                scope: &$crate::history::HistoryScope,
            ) -> $crate::error::Result<Vec<$crate::history::PathTotals>> {
                let s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::path_totals_sql(&s);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn commit_paths(
                &self,
                scope: &$crate::history::HistoryScope,
                which: $crate::history::CommitPaths,
            ) -> $crate::error::Result<Vec<(i64, String)>> {
                let mut s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::commit_paths_sql(&mut s, which);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }

            async fn count_wide_commits(
                &self,
                scope: &$crate::history::HistoryScope,
                max_files: u32,
            ) -> $crate::error::Result<i64> {
                let mut s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::count_wide_commits_sql(&mut s, max_files);
                let (count,): (i64,) = $crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_one($crate::sql::Dialect::pool(self))
                    .await?;
                Ok(count)
            }

            async fn author_path_lines(
                &self,
                scope: &$crate::history::HistoryScope,
            ) -> $crate::error::Result<Vec<$crate::history::AuthorPathLines>> {
                let s = $crate::history::ScopeSql::new(scope);
                let sql = $crate::history::author_path_lines_sql(&s);
                Ok($crate::sql::bind_all!(sqlx::query_as(&sql), &s.binds)
                    .fetch_all($crate::sql::Dialect::pool(self))
                    .await?)
            }
        }
    };
}

impl_history_stats!(crate::sqlite::SqliteStore);
impl_history_stats!(crate::postgres::PgStore);
