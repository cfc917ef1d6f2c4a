//! The SQL of `HistoryGraph`, shared by both backends.

use crate::error::{Result, StoreError};
use crate::graph::PathChange;
use crate::model::ChangeKind;

/// A file change row as `file_history` reads it.
pub(crate) type PathRow = (i64, String, i64, i64, String, Option<String>, String, bool, Option<i64>, Option<i64>, bool);

pub(crate) fn path_change(row: PathRow) -> Result<PathChange> {
    let (
        commit_id,
        hash,
        committer_time,
        file_change_id,
        path,
        old_path,
        kind,
        is_binary,
        additions,
        deletions,
        has_diff,
    ) = row;
    let kind =
        ChangeKind::parse(&kind).ok_or_else(|| StoreError::Query(format!("unknown change kind {kind:?} stored")))?;
    Ok(PathChange {
        commit_id,
        hash,
        committer_time,
        file_change_id,
        path,
        old_path,
        kind,
        is_binary,
        additions,
        deletions,
        has_diff,
    })
}

/// What a commit did to the followed path `current`, from its rows (one commit's, in file order):
/// the row to show and, for a rename into `current`, the path the walk follows from then on.
pub(crate) fn follow_commit(rows: &[PathChange], current: &str) -> Option<(PathChange, Option<String>)> {
    if let Some(rename) = rows.iter().find(|r| r.kind == ChangeKind::Renamed && r.path == current) {
        return Some((rename.clone(), rename.old_path.clone()));
    }
    rows.iter()
        .find(|r| r.path == current)
        .or_else(|| rows.iter().find(|r| r.old_path.as_deref() == Some(current)))
        .map(|r| (r.clone(), None))
}

/// `rev` split into the revision and its `~N` / `^N` steps (`^` alone is `^1`, `~` alone `~1`):
/// each step is (first parent repeated N times) or (the N-th parent).
pub(crate) fn split_revision(rev: &str) -> Result<(&str, Vec<(char, usize)>)> {
    let cut = rev.find(['~', '^']).unwrap_or(rev.len());
    let (base, mut rest) = rev.split_at(cut);
    let mut steps = Vec::new();
    while let Some(op) = rest.chars().next() {
        rest = &rest[1..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let n = if digits == 0 {
            1
        } else {
            rest[..digits]
                .parse()
                .map_err(|_| StoreError::validation("revision", format!("{rev:?} has a bad count")))?
        };
        rest = &rest[digits..];
        match op {
            '~' | '^' => steps.push((op, n)),
            _ => {
                return Err(StoreError::validation(
                    "revision",
                    format!("{rev:?} is not a revision this store understands"),
                ))
            }
        }
    }
    if base.is_empty() {
        return Err(StoreError::validation("revision", "must not be empty"));
    }
    Ok((base, steps))
}

/// Instantiates `HistoryGraph` for a `Dialect`.
macro_rules! sql_graph {
    ($store:ty) => {
        const _: () = {
            use $crate::error::{Result, StoreError};
            use $crate::graph::{Dag, GraphPage, GraphRow, LaneRow, PathChange};
            use $crate::sql::Dialect;
            type Db = <$store as Dialect>::Db;

            /// The list's order, which the graph rows and every walk follow.
            const LIST_ORDER: &str = "c.committer_time DESC, c.hash DESC, c.id DESC";

            impl $store {
                /// The commit a ref points at: a full name, or a branch, tag or remote name.
                async fn ref_target(&self, repository_id: i64, name: &str) -> Result<Option<(String, String)>> {
                    let names = if name == "HEAD" {
                        vec!["refs/heads/main".to_string(), "refs/heads/master".to_string()]
                    } else {
                        vec![
                            name.to_string(),
                            format!("refs/heads/{name}"),
                            format!("refs/tags/{name}"),
                            format!("refs/remotes/{name}"),
                        ]
                    };
                    for full in names {
                        let row: Option<(String,)> =
                            sqlx::query_as("SELECT target_hash FROM refs WHERE repository_id = $1 AND name = $2")
                                .bind(repository_id)
                                .bind(&full)
                                .fetch_optional(self.pool())
                                .await?;
                        if let Some((target,)) = row {
                            return Ok(Some((full, target)));
                        }
                    }
                    Ok(None)
                }

                async fn resolve_base(&self, repository_id: i64, base: &str) -> Result<String> {
                    if let Some((_, target)) = self.ref_target(repository_id, base).await? {
                        return Ok(target);
                    }
                    if base.len() >= 4 && base.chars().all(|c| c.is_ascii_hexdigit()) {
                        let commit = self.commit_by_hash(Some(repository_id), &base.to_ascii_lowercase(), false).await?;
                        return Ok(commit.commit.hash);
                    }
                    Err(StoreError::not_found(format!("revision {base:?} (no such branch, tag or commit)")))
                }

                async fn commit_id_of(&self, repository_id: i64, hash: &str) -> Result<i64> {
                    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM commits WHERE repository_id = $1 AND hash = $2")
                        .bind(repository_id)
                        .bind(hash)
                        .fetch_optional(self.pool())
                        .await?;
                    row.map(|(id,)| id).ok_or_else(|| StoreError::not_found(format!("commit {hash}")))
                }

                async fn path_rows(
                    &self,
                    repository_id: i64,
                    path: &str,
                    after: Option<&PathChange>,
                    ref_id: Option<i64>,
                ) -> Result<Vec<PathChange>> {
                    let mut sql = String::from(
                        "SELECT c.id, c.hash, c.committer_time, f.id, f.path, f.old_path, f.change_kind, \
                         f.is_binary, f.additions, f.deletions, f.diff_blob_id IS NOT NULL \
                         FROM file_changes f JOIN commits c ON c.id = f.commit_id \
                         WHERE (f.path = $2 OR f.old_path = $2) AND c.repository_id = $1 AND c.parent_count <= 1",
                    );
                    if after.is_some() {
                        sql.push_str(
                            " AND (c.committer_time < $3 OR (c.committer_time = $3 AND \
                             (c.hash < $4 OR (c.hash = $4 AND c.id < $5))))",
                        );
                    }
                    if ref_id.is_some() {
                        sql.push_str(" AND EXISTS (SELECT 1 FROM ref_reach rr WHERE rr.commit_id = c.id AND rr.ref_id = $6)");
                    }
                    sql.push_str(&format!(" ORDER BY {LIST_ORDER}, f.position"));
                    let mut query = sqlx::query_as::<_, $crate::graph::sql::PathRow>(&sql).bind(repository_id).bind(path);
                    let (time, hash, id) = after.map(|a| (a.committer_time, a.hash.clone(), a.commit_id)).unwrap_or_default();
                    query = query.bind(time).bind(hash).bind(id).bind(ref_id.unwrap_or(0));
                    query.fetch_all(self.pool()).await?.into_iter().map($crate::graph::sql::path_change).collect()
                }

                /// Every commit and parent row of a repository, read and sorted into a `Dag`.
                async fn read_dag(&self, repository_id: i64) -> Result<Dag> {
                    // Sorted here rather than by the database: the same order as LIST_ORDER (hashes
                    // compare as bytes on both backends), without a sort or an index walk there.
                    let mut commits: Vec<(i64, String, i64)> =
                        sqlx::query_as("SELECT c.id, c.hash, c.committer_time FROM commits c WHERE c.repository_id = $1")
                            .bind(repository_id)
                            .fetch_all(self.pool())
                            .await?;
                    commits.sort_unstable_by(|a, b| b.2.cmp(&a.2).then_with(|| b.1.cmp(&a.1)).then(b.0.cmp(&a.0)));
                    let parent_rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT p.commit_id, p.parent_hash FROM commit_parents p JOIN commits c ON c.id = p.commit_id \
                         WHERE c.repository_id = $1 ORDER BY p.commit_id, p.position",
                    )
                    .bind(repository_id)
                    .fetch_all(self.pool())
                    .await?;
                    let row_of: std::collections::HashMap<i64, usize> =
                        commits.iter().enumerate().map(|(row, (id, _, _))| (*id, row)).collect();
                    let mut parents = vec![Vec::new(); commits.len()];
                    for (commit_id, parent) in parent_rows {
                        if let Some(row) = row_of.get(&commit_id) {
                            parents[*row].push(parent);
                        }
                    }
                    Ok(Dag::new(commits, parents))
                }


                /// What the commits of a repository are, cheaply: their count and highest id (commits
                /// are only ever added, or removed with their repository).
                async fn all_fingerprint(&self, repository_id: i64) -> Result<String> {
                    let (count, max): (i64, Option<i64>) =
                        sqlx::query_as("SELECT COUNT(*), MAX(id) FROM commits WHERE repository_id = $1")
                            .bind(repository_id)
                            .fetch_one(self.pool())
                            .await?;
                    Ok(format!("all:{count}:{}", max.unwrap_or(0)))
                }

                /// Builds (or rebuilds) a graph scope; returns (scope id, width, rows).
                async fn build_graph(
                    &self,
                    repository_id: i64,
                    scope: &str,
                    fingerprint: &str,
                    tip: Option<&str>,
                ) -> Result<(i64, u32, i64)> {
                    use $crate::graph::HistoryGraph;
                    let dag = self.commit_dag(repository_id).await?;
                    let keep: Vec<usize> = match tip {
                        Some(hash) => {
                            let reach = dag.reach(&[dag.row(hash)?]);
                            (0..dag.len()).filter(|r| reach[*r]).collect()
                        }
                        None => (0..dag.len()).collect(),
                    };
                    let mut position = vec![usize::MAX; dag.len()];
                    for (i, row) in keep.iter().enumerate() {
                        position[*row] = i;
                    }
                    let parents: Vec<Vec<usize>> = keep
                        .iter()
                        .map(|row| dag.parents[*row].iter().map(|p| position[*p]).filter(|p| *p != usize::MAX).collect())
                        .collect();
                    let lanes = $crate::graph::compute_lanes(&parents);
                    let width = lanes.iter().map(LaneRow::width).max().unwrap_or(0);
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM graph_scopes WHERE repository_id = $1 AND scope = $2")
                        .bind(repository_id)
                        .bind(scope)
                        .execute(&mut *tx)
                        .await?;
                    let (scope_id,): (i64,) = sqlx::query_as(
                        "INSERT INTO graph_scopes (repository_id, scope, fingerprint, width, row_count, built_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(repository_id)
                    .bind(scope)
                    .bind(fingerprint)
                    .bind(i64::from(width))
                    .bind(keep.len() as i64)
                    .bind(chrono::Utc::now().timestamp())
                    .fetch_one(&mut *tx)
                    .await?;
                    let rows: Vec<(usize, &LaneRow)> = lanes.iter().enumerate().collect();
                    for chunk in $crate::sql::batch::chunks_of(&rows, 5) {
                        let mut qb = sqlx::QueryBuilder::<Db>::new(
                            "INSERT INTO graph_rows (scope_id, position, commit_id, lane, edges) ",
                        );
                        qb.push_values(chunk, |mut b, (i, lane)| {
                            b.push_bind(scope_id)
                                .push_bind(*i as i64)
                                .push_bind(dag.ids[keep[*i]])
                                .push_bind(i64::from(lane.lane))
                                .push_bind(lane.encode_edges());
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok((scope_id, width, keep.len() as i64))
                }
            }

            #[async_trait::async_trait]
            impl $crate::graph::HistoryGraph for $store {
                async fn commit_dag(&self, repository_id: i64) -> Result<Dag> {
                    // The stored copy while the repository's commits are the same; otherwise read and keep one.
                    let fingerprint = self.all_fingerprint(repository_id).await?;
                    let stored: Option<(String, Option<Vec<u8>>)> = sqlx::query_as(
                        "SELECT fingerprint, dag FROM graph_scopes WHERE repository_id = $1 AND scope = '#dag'",
                    )
                    .bind(repository_id)
                    .fetch_optional(self.pool())
                    .await?;
                    if let Some((stored, Some(bytes))) = stored {
                        if stored == fingerprint {
                            if let Some(dag) = Dag::decode(&bytes) {
                                return Ok(dag);
                            }
                        }
                    }
                    let dag = self.read_dag(repository_id).await?;
                    let mut tx = self.pool().begin_with(<Self as $crate::sql::Dialect>::BEGIN_WRITE).await?;
                    // Another reader may be storing the same graph at the same time: the later one wins.
                    sqlx::query(
                        "INSERT INTO graph_scopes (repository_id, scope, fingerprint, width, row_count, dag, built_at) \
                         VALUES ($1, '#dag', $2, 0, $3, $4, $5) ON CONFLICT (repository_id, scope) DO UPDATE SET \
                         fingerprint = excluded.fingerprint, row_count = excluded.row_count, dag = excluded.dag, \
                         built_at = excluded.built_at",
                    )
                    .bind(repository_id)
                    .bind(&fingerprint)
                    .bind(dag.len() as i64)
                    .bind(dag.encode())
                    .bind(chrono::Utc::now().timestamp())
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(dag)
                }

                async fn resolve_revision(&self, repository_id: i64, rev: &str) -> Result<String> {
                    let (base, steps) = $crate::graph::sql::split_revision(rev.trim())?;
                    let mut hash = self.resolve_base(repository_id, base).await?;
                    for (op, n) in steps {
                        let (nth, times) = if op == '~' { (1, n) } else { (n, 1) };
                        for _ in 0..times {
                            if nth == 0 {
                                continue;
                            }
                            let id = self.commit_id_of(repository_id, &hash).await?;
                            let parents = self.parents_of(id).await?;
                            hash = parents.get(nth - 1).cloned().ok_or_else(|| {
                                StoreError::not_found(format!("revision {rev:?}: commit {hash} has no parent {nth}"))
                            })?;
                            self.commit_id_of(repository_id, &hash).await.map_err(|_| {
                                StoreError::not_found(format!("revision {rev:?}: parent {hash} is not stored (shallow history)"))
                            })?;
                        }
                    }
                    Ok(hash)
                }

                async fn file_history(&self, repository_id: i64, path: &str, rev: Option<&str>) -> Result<Vec<PathChange>> {
                    $crate::validate::non_empty_text("path", path)?;
                    // A ref is walked through its stored reach; a commit through the graph in memory.
                    let mut ref_id = None;
                    let mut reachable: Option<Vec<bool>> = None;
                    let mut dag = None;
                    if let Some(rev) = rev {
                        match self.ref_target(repository_id, rev).await? {
                            Some((full, _)) => {
                                self.ensure_reach(std::slice::from_ref(&full)).await?;
                                let (id,): (i64,) = sqlx::query_as("SELECT id FROM refs WHERE repository_id = $1 AND name = $2")
                                    .bind(repository_id)
                                    .bind(&full)
                                    .fetch_one(self.pool())
                                    .await?;
                                ref_id = Some(id);
                            }
                            None => {
                                let hash = self.resolve_revision(repository_id, rev).await?;
                                let d = self.commit_dag(repository_id).await?;
                                reachable = Some(d.reach(&[d.row(&hash)?]));
                                dag = Some(d);
                            }
                        }
                    }
                    let mut current = path.to_string();
                    let mut after: Option<PathChange> = None;
                    let mut found = Vec::new();
                    'paths: loop {
                        let rows = self.path_rows(repository_id, &current, after.as_ref(), ref_id).await?;
                        let mut start = 0;
                        while start < rows.len() {
                            let end = (start..rows.len()).find(|i| rows[*i].commit_id != rows[start].commit_id).unwrap_or(rows.len());
                            let commit_rows = &rows[start..end];
                            start = end;
                            if let (Some(reach), Some(d)) = (&reachable, &dag) {
                                if !d.row(&commit_rows[0].hash).map(|r| reach[r]).unwrap_or(false) {
                                    continue;
                                }
                            }
                            if let Some((change, next)) = $crate::graph::sql::follow_commit(commit_rows, &current) {
                                found.push(change.clone());
                                if let Some(old) = next {
                                    current = old;
                                    after = Some(change);
                                    continue 'paths;
                                }
                            }
                        }
                        break;
                    }
                    Ok(found)
                }

                async fn graph_page(
                    &self,
                    repository_id: i64,
                    scope: Option<&str>,
                    offset: i64,
                    limit: u32,
                ) -> Result<GraphPage> {
                    if offset < 0 {
                        return Err(StoreError::validation("offset", "must not be negative"));
                    }
                    let limit = i64::from(limit.min($crate::graph::MAX_GRAPH_PAGE));
                    let (scope_name, fingerprint, tip) = match scope {
                        Some(name) => {
                            let (full, target) = self.ref_target(repository_id, name).await?.ok_or_else(|| {
                                StoreError::not_found(format!("branch or tag {name:?} in repository {repository_id}"))
                            })?;
                            (full, format!("ref:{target}"), Some(target))
                        }
                        None => (String::new(), self.all_fingerprint(repository_id).await?, None),
                    };
                    let existing: Option<(i64, String, i64, i64)> = sqlx::query_as(
                        "SELECT id, fingerprint, width, row_count FROM graph_scopes WHERE repository_id = $1 AND scope = $2",
                    )
                    .bind(repository_id)
                    .bind(&scope_name)
                    .fetch_optional(self.pool())
                    .await?;
                    let (scope_id, width, total) = match existing {
                        Some((id, stored, width, rows)) if stored == fingerprint => (id, width as u32, rows),
                        _ => match self.build_graph(repository_id, &scope_name, &fingerprint, tip.as_deref()).await {
                            Ok(built) => built,
                            Err(err) => {
                                // Two pages asked at once both build the scope; one insert loses on the
                                // unique key (PostgreSQL) and then reads what the other stored.
                                let now: Option<(i64, String, i64, i64)> = sqlx::query_as(
                                    "SELECT id, fingerprint, width, row_count FROM graph_scopes \
                                     WHERE repository_id = $1 AND scope = $2",
                                )
                                .bind(repository_id)
                                .bind(&scope_name)
                                .fetch_optional(self.pool())
                                .await?;
                                match now {
                                    Some((id, stored, width, rows)) if stored == fingerprint => (id, width as u32, rows),
                                    _ => return Err(err),
                                }
                            }
                        },
                    };
                    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
                        "SELECT g.position, c.hash, g.lane, g.edges FROM graph_rows g JOIN commits c ON c.id = g.commit_id \
                         WHERE g.scope_id = $1 AND g.position >= $2 AND g.position < $3 ORDER BY g.position",
                    )
                    .bind(scope_id)
                    .bind(offset)
                    .bind(offset + limit)
                    .fetch_all(self.pool())
                    .await?;
                    let rows = rows
                        .into_iter()
                        .map(|(row, hash, lane, edges)| {
                            let lanes = LaneRow::decode_edges(lane as u32, &edges)
                                .ok_or_else(|| StoreError::Query(format!("graph row {row} holds unreadable edges {edges:?}")))?;
                            Ok(GraphRow { row, hash, lane: lanes.lane, top: lanes.top, bottom: lanes.bottom, pass: lanes.pass })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(GraphPage { rows, width, total })
                }

                async fn changes_of_paths(&self, repository_id: i64, paths: &[String]) -> Result<Vec<PathChange>> {
                    let mut found = Vec::new();
                    for chunk in $crate::sql::batch::chunks_of(paths, 2) {
                        let mut qb = sqlx::QueryBuilder::<Db>::new(
                            "SELECT c.id, c.hash, c.committer_time, f.id, f.path, f.old_path, f.change_kind, \
                             f.is_binary, f.additions, f.deletions, f.diff_blob_id IS NOT NULL \
                             FROM file_changes f JOIN commits c ON c.id = f.commit_id WHERE c.repository_id = ",
                        );
                        qb.push_bind(repository_id).push(" AND (f.path IN (");
                        let mut list = qb.separated(", ");
                        for path in chunk {
                            list.push_bind(path.as_str());
                        }
                        qb.push(") OR f.old_path IN (");
                        let mut list = qb.separated(", ");
                        for path in chunk {
                            list.push_bind(path.as_str());
                        }
                        qb.push("))");
                        let rows: Vec<$crate::graph::sql::PathRow> = qb.build_query_as().fetch_all(self.pool()).await?;
                        for row in rows {
                            found.push($crate::graph::sql::path_change(row)?);
                        }
                    }
                    found.sort_by_key(|c| c.file_change_id);
                    found.dedup_by_key(|c| c.file_change_id);
                    Ok(found)
                }

                async fn commits_by_id(&self, ids: &[i64]) -> Result<Vec<$crate::model::Commit>> {
                    let mut by_id = std::collections::HashMap::new();
                    for chunk in $crate::sql::batch::chunks_of(ids, 1) {
                        let mut qb = sqlx::QueryBuilder::<Db>::new(format!(
                            "SELECT {} FROM commits c WHERE c.id IN (",
                            $crate::sql::rows::COMMIT_COLUMNS
                        ));
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(*id);
                        }
                        qb.push(")");
                        let rows: Vec<$crate::sql::rows::CommitRow> = qb.build_query_as().fetch_all(self.pool()).await?;
                        for row in rows {
                            by_id.insert(row.id(), row);
                        }
                    }
                    let found: Vec<i64> = ids.iter().copied().filter(|id| by_id.contains_key(id)).collect();
                    let mut parents = self.parents_of_many(&found).await?;
                    Ok(found
                        .into_iter()
                        .filter_map(|id| by_id.remove(&id).map(|row| row.into_commit(parents.remove(&id).unwrap_or_default())))
                        .collect())
                }
            }
        };
    };
}
pub(crate) use sql_graph;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_split_into_base_and_steps() {
        assert_eq!(split_revision("main").unwrap(), ("main", vec![]));
        assert_eq!(split_revision("main~3^2").unwrap(), ("main", vec![('~', 3), ('^', 2)]));
        assert_eq!(split_revision("abc^^").unwrap(), ("abc", vec![('^', 1), ('^', 1)]));
        assert!(split_revision("~1").is_err());
    }
}
