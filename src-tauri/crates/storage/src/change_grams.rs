//! The change index (`change:`, `added:`, `removed:`) of both backends: for every three-byte
//! sequence of the lines commits add or remove, the commits that hold it, built in Rust (issue 13).
//!
//! It replaced an FTS5 trigram table on SQLite, which indexed every position of every changed line
//! inside SQLite's single writer: on real repositories that took longer than the rest of an import
//! together (pallets/flask: 2.3 s of 3.6 s; git log -p 1.4 s); and a `pg_trgm` GIN index on
//! PostgreSQL, whose upkeep was 3.6 s of a 6.3 s flask import (built once after the load: 3.3 s). Here each commit contributes each
//! distinct sequence once per side, so there is far less to write, and nothing about positions:
//! a search intersects the commit lists of its text's sequences and then tests each candidate's
//! stored lines with `LIKE` (or `instr` / `strpos` with capitals), so answers are those of a scan.
//!
//! Storage is a small log-structured index: every indexing step writes one segment (its sequences
//! in order, each with its commit ids delta- and varint-encoded), and segments of a similar size
//! are merged four at a time, so a search reads a few rows per sequence however many steps built
//! the index. Commits deleted later stay in the lists until nothing is left to index (then the
//! index is emptied); their ids only add candidates, which the test of the stored lines drops.

use sqlx::{PgConnection, SqliteConnection};

use crate::error::{Result, StoreError};
use crate::search_text::ChangeLines;
use crate::sql::ChangeRow;

/// A three-byte sequence of one side of the changes: bit 24 tells removed lines from added ones,
/// the low 24 bits are the bytes with ASCII letters lower-cased (the `LIKE` that tests candidates
/// ignores ASCII case too).
pub type Gram = u32;
const REMOVED_SIDE: Gram = 1 << 24;
const GRAM_SPACE: usize = 1 << 25;

/// Segments are merged four at a time within a size class (classes grow fourfold from 256 KiB);
/// from 4 MiB on they stay as they are, so a merge holds at most 16 MiB of lists in memory, twice
/// (git/git's 78 MB index is then about 20 segments; a search reads one block per segment and
/// sequence).
const MERGE_FAN_IN: usize = 4;
const SMALLEST_CLASS_BYTES: i64 = 256 * 1024;
const UNMERGED_FROM_BYTES: i64 = 4 * 1024 * 1024;

/// The most changed lines one step indexes when it reads queued commits back (a rebuild): their
/// text and sequences are in memory meanwhile.
pub(crate) const INDEX_PIECE_BYTES: i64 = 16 * 1024 * 1024;

/// Blocks per multi-row INSERT of a segment (about 2 MiB).
const INSERT_ROWS: usize = 250;

/// The sequences of `text` on one side, in order and with repeats. Sequences across a line break
/// are left out: a searched text is a single line.
fn text_grams(text: &[u8], side: Gram) -> impl Iterator<Item = Gram> + '_ {
    // One pass with a rolling window (a third of an import's gram time went to testing and folding
    // each byte three times, as `windows(3)` does).
    let (mut window, mut since_break) = (0 as Gram, 0usize);
    text.iter().filter_map(move |&byte| {
        if byte == b'\n' {
            since_break = 0;
            return None;
        }
        window = ((window << 8) | Gram::from(byte.to_ascii_lowercase())) & 0xff_ffff;
        since_break += 1;
        (since_break >= 3).then_some(side | window)
    })
}

/// Works out a commit's distinct sequences (both sides), reusing one 4 MiB bitmap: an import's
/// diff workers each keep one, so the single writer only sorts and encodes.
pub struct GramScratch {
    seen: SeenGrams,
}

impl Default for GramScratch {
    fn default() -> GramScratch {
        GramScratch { seen: SeenGrams::new() }
    }
}

impl GramScratch {
    /// The distinct sequences of a commit's added and removed lines, in no particular order.
    pub fn commit_grams(&mut self, added: &str, removed: &str) -> Vec<Gram> {
        let mut grams = Vec::new();
        grams.extend(text_grams(added.as_bytes(), 0).filter(|&gram| self.seen.insert(gram)));
        grams.extend(text_grams(removed.as_bytes(), REMOVED_SIDE).filter(|&gram| self.seen.insert(gram)));
        self.seen.clear();
        grams
    }
}

#[cfg(test)]
fn gram_bytes(a: u8, b: u8, c: u8) -> Gram {
    (Gram::from(a.to_ascii_lowercase()) << 16)
        | (Gram::from(b.to_ascii_lowercase()) << 8)
        | Gram::from(c.to_ascii_lowercase())
}

/// A bit per possible gram (4 MiB), with the ones set so far to clear them cheaply.
struct SeenGrams {
    bits: Vec<u64>,
    set: Vec<Gram>,
}

impl SeenGrams {
    fn new() -> SeenGrams {
        SeenGrams { bits: vec![0; GRAM_SPACE / 64], set: Vec::new() }
    }

    fn insert(&mut self, gram: Gram) -> bool {
        let (word, bit) = ((gram / 64) as usize, 1u64 << (gram % 64));
        if self.bits[word] & bit != 0 {
            return false;
        }
        self.bits[word] |= bit;
        self.set.push(gram);
        true
    }

    fn clear(&mut self) {
        for gram in self.set.drain(..) {
            self.bits[(gram / 64) as usize] = 0;
        }
    }
}

/// A commit list: ascending ids as varint deltas.
fn encode(ids: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut previous = 0i64;
    for &id in ids {
        put_varint(&mut out, (id - previous) as u64);
        previous = id;
    }
    out
}

fn decode(bytes: &[u8], out: &mut Vec<i64>) -> Result<()> {
    let (mut at, mut previous) = (0usize, 0i64);
    while at < bytes.len() {
        previous = previous.checked_add(get_varint(bytes, &mut at)? as i64).ok_or_else(malformed)?;
        out.push(previous);
    }
    Ok(())
}

/// Indexes the changed lines of these commits (with each commit's distinct sequences when already
/// worked out) as one new segment, then merges segments as needed; in the caller's transaction.
pub(crate) async fn index_commits<C: GramSegments>(conn: &mut C, scope: i64, commits: &[ChangeRow<'_>]) -> Result<()> {
    // Each (gram, commit) pair packed in a u64, the commit as its rank in id order: sorted, each
    // gram's commits come out ascending, as `encode` wants them (and at half the memory of pairs).
    let mut by_id: Vec<&ChangeRow<'_>> = commits.iter().collect();
    by_id.sort_unstable_by_key(|commit| commit.0);
    let mut scratch: Option<GramScratch> = None;
    // Sized up front when the workers worked the sequences out: the batch's largest allocation,
    // which growing by doubling held up to twice over (and copied) at its peak.
    let worked_out_pairs: usize = by_id.iter().map(|commit| commit.2.map_or(0, <[Gram]>::len)).sum();
    let mut pairs: Vec<u64> = Vec::with_capacity(worked_out_pairs);
    for (rank, &&(_, lines, known)) in by_id.iter().enumerate() {
        let worked_out;
        let grams = match known {
            Some(grams) => grams,
            None => {
                worked_out =
                    scratch.get_or_insert_with(GramScratch::default).commit_grams(&lines.added, &lines.removed);
                &worked_out[..]
            }
        };
        pairs.extend(grams.iter().map(|&gram| (u64::from(gram) << 32) | rank as u64));
    }
    drop(scratch);
    pairs.sort_unstable();
    let mut blocks = BlockWriter::default();
    let mut ids = Vec::new();
    for (i, &pair) in pairs.iter().enumerate() {
        let gram = (pair >> 32) as Gram;
        ids.push(by_id[(pair & 0xffff_ffff) as usize].0);
        if pairs.get(i + 1).is_none_or(|next| (next >> 32) as Gram != gram) {
            blocks.push(gram, &encode(&ids));
            ids.clear();
        }
    }
    drop(pairs);
    write_segment(conn, scope, blocks).await?;
    merge_segments(conn, scope).await
}

/// A segment is stored in blocks of about this many bytes: each row holds the lists of a run of
/// consecutive grams (one row per gram meant half a million rows for a 5,000-commit repository).
/// Indexes commits whose changed lines were read back from `change_text` as (id, added, removed):
/// what both backends' queue steps do.
pub(crate) async fn index_read_back<C: GramSegments>(
    conn: &mut C,
    scope: i64,
    rows: Vec<(i64, String, String)>,
) -> Result<()> {
    let lines: Vec<(i64, ChangeLines)> =
        rows.into_iter().map(|(id, added, removed)| (id, ChangeLines { added, removed })).collect();
    let rows: Vec<ChangeRow<'_>> = lines.iter().map(|(id, lines)| (*id, lines, None)).collect();
    index_commits(conn, scope, &rows).await
}

const BLOCK_BYTES: usize = 8 * 1024;

/// Packs a segment's lists, in gram order, into blocks: `(first gram, entries)`, an entry being
/// the gram's distance from the previous one, the list's length and the list, as varints.
#[derive(Default)]
struct BlockWriter {
    blocks: Vec<(Gram, Vec<u8>)>,
    previous: Gram,
    bytes: usize,
}

impl BlockWriter {
    fn push(&mut self, gram: Gram, list: &[u8]) {
        if self.blocks.last().is_none_or(|(_, entries)| entries.len() >= BLOCK_BYTES) {
            self.blocks.push((gram, Vec::new()));
            self.previous = gram;
        }
        let entries = &mut self.blocks.last_mut().expect("a block was just pushed").1;
        put_varint(entries, u64::from(gram - self.previous));
        put_varint(entries, list.len() as u64);
        entries.extend_from_slice(list);
        self.previous = gram;
        self.bytes += list.len();
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64> {
    let (mut value, mut shift) = (0u64, 0u32);
    loop {
        let byte = *bytes.get(*at).filter(|_| shift <= 63).ok_or_else(malformed)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
    }
}

fn malformed() -> StoreError {
    StoreError::Query("the change index is damaged: one of its blocks cannot be read".into())
}

/// The entries of one block: `(gram, list)`.
fn entries(first: Gram, block: &[u8]) -> Result<Vec<(Gram, &[u8])>> {
    let (mut out, mut at, mut gram) = (Vec::new(), 0usize, first);
    while at < block.len() {
        gram = gram.checked_add(get_varint(block, &mut at)? as Gram).ok_or_else(malformed)?;
        let len = get_varint(block, &mut at)? as usize;
        let list = block.get(at..at + len).ok_or_else(malformed)?;
        at += len;
        out.push((gram, list));
    }
    Ok(out)
}

async fn write_segment<C: GramSegments>(conn: &mut C, scope: i64, segment: BlockWriter) -> Result<()> {
    if segment.blocks.is_empty() {
        return Ok(());
    }
    let id = conn.insert_segment(scope, segment.bytes as i64).await?;
    for chunk in segment.blocks.chunks(INSERT_ROWS) {
        conn.insert_blocks(id, chunk).await?;
    }
    Ok(())
}

/// The size class of a segment: 0 below 256 KiB, then one per fourfold growth.
fn size_class(bytes: i64) -> u32 {
    let mut class = 0;
    let mut limit = SMALLEST_CLASS_BYTES;
    while bytes >= limit {
        class += 1;
        limit = limit.saturating_mul(4);
    }
    class
}

/// Merges segments of the same size class, four at a time, until no class below the unmerged
/// size holds four.
async fn merge_segments<C: GramSegments>(conn: &mut C, scope: i64) -> Result<()> {
    loop {
        let segments = conn.small_segments(scope, UNMERGED_FROM_BYTES).await?;
        let mut classes: std::collections::BTreeMap<u32, Vec<i64>> = Default::default();
        for (id, bytes) in segments {
            classes.entry(size_class(bytes)).or_default().push(id);
        }
        let Some(group) = classes.into_values().find(|ids| ids.len() >= MERGE_FAN_IN) else { return Ok(()) };
        merge(conn, scope, &group[..MERGE_FAN_IN]).await?;
    }
}

async fn merge<C: GramSegments>(conn: &mut C, scope: i64, segments: &[i64]) -> Result<()> {
    let blocks = conn.blocks_of(segments).await?;
    let mut all: Vec<(Gram, &[u8])> = Vec::new();
    for (first, block) in &blocks {
        all.extend(entries(*first as Gram, block)?);
    }
    // Stable: a gram's lists stay in block order, though they are sorted again below anyway.
    all.sort_by_key(|(gram, _)| *gram);
    let mut merged = BlockWriter::default();
    let mut ids = Vec::new();
    for (i, (gram, commits)) in all.iter().enumerate() {
        decode(commits, &mut ids)?;
        if all.get(i + 1).is_none_or(|next| next.0 != *gram) {
            ids.sort_unstable();
            ids.dedup();
            merged.push(*gram, &encode(&ids));
            ids.clear();
        }
    }
    drop(all);
    drop(blocks);
    conn.delete_segments(segments).await?;
    write_segment(conn, scope, merged).await
}

/// Empties the index once no changed lines are left to index (the last indexed repository was
/// deleted, or its change index turned off): the lists of deleted commits go with it.
pub(crate) async fn clear_when_nothing_is_indexed<C: GramTables>(conn: &mut C) -> Result<()> {
    conn.clear_when_nothing_is_indexed().await
}

/// Which sides a search reads: added lines, removed lines, or both.
pub(crate) fn sides(columns: &[&str]) -> Vec<Gram> {
    columns.iter().map(|column| if *column == "removed" { REMOVED_SIDE } else { 0 }).collect()
}

/// The indexed commits whose changed lines (on any of `sides`) may contain `text`, ascending, as
/// a JSON array for `json_each`: those holding every three-byte sequence of it on one side. Their
/// lines must still be tested; commits still queued are not indexed and not among them.
pub(crate) async fn candidates<C: GramTables>(conn: &mut C, text: &str, sides: &[Gram]) -> Result<String> {
    let mut seen = std::collections::HashSet::new();
    let wanted: Vec<Gram> =
        sides.iter().flat_map(|&side| text_grams(text.as_bytes(), side)).filter(|&gram| seen.insert(gram)).collect();
    let blocks = conn.blocks_for(&wanted).await?;
    let mut by_gram: std::collections::HashMap<Gram, Vec<i64>> = Default::default();
    for (first, block) in &blocks {
        for (gram, commits) in entries(*first as Gram, block)? {
            if wanted.contains(&gram) {
                decode(commits, by_gram.entry(gram).or_default())?;
            }
        }
    }
    // A gram's lists from several segments, in one ascending list.
    for ids in by_gram.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    let mut found: Vec<i64> = Vec::new();
    for &side in sides {
        let lists: Option<Vec<&Vec<i64>>> =
            wanted.iter().filter(|gram| *gram & REMOVED_SIDE == side).map(|gram| by_gram.get(gram)).collect();
        let Some(mut lists) = lists else { continue };
        lists.sort_by_key(|ids| ids.len());
        let Some((first, rest)) = lists.split_first() else { continue };
        let mut common = (*first).clone();
        for other in rest {
            common.retain(|id| other.binary_search(id).is_ok());
        }
        found.extend(common);
    }
    found.sort_unstable();
    found.dedup();
    Ok(serde_json::to_string(&found).expect("ids serialise"))
}

/// Where a backend keeps the index: the same two tables on both, read and written with each one's
/// SQL. `scope` is the workspace on PostgreSQL, whose segments each hold one workspace's commits so
/// that row-level security (team mode) shows a member only its workspaces' lists; SQLite has one
/// user and one scope.
pub(crate) trait GramSegments: Send {
    fn insert_segment(&mut self, scope: i64, bytes: i64) -> impl std::future::Future<Output = Result<i64>> + Send;
    fn insert_blocks(
        &mut self,
        segment: i64,
        blocks: &[(Gram, Vec<u8>)],
    ) -> impl std::future::Future<Output = Result<()>> + Send;
    /// The scope's segments under `below` bytes, oldest first, with their sizes.
    fn small_segments(
        &mut self,
        scope: i64,
        below: i64,
    ) -> impl std::future::Future<Output = Result<Vec<(i64, i64)>>> + Send;
    fn blocks_of(&mut self, segments: &[i64]) -> impl std::future::Future<Output = Result<Vec<(i64, Vec<u8>)>>> + Send;
    fn delete_segments(&mut self, segments: &[i64]) -> impl std::future::Future<Output = Result<()>> + Send;
}

/// The index's tables as searches and deletions read them, besides what indexing writes
/// (`GramSegments`, all that an import's load needs).
pub(crate) trait GramTables: GramSegments {
    /// In every segment, the block that would hold each gram (the last one starting at or before it).
    fn blocks_for(&mut self, grams: &[Gram]) -> impl std::future::Future<Output = Result<Vec<(i64, Vec<u8>)>>> + Send;
    fn clear_when_nothing_is_indexed(&mut self) -> impl std::future::Future<Output = Result<()>> + Send;
}

fn json_ids<T: serde::Serialize>(ids: &[T]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

/// SQLite's statements for a segment's rows, shared by the pool's connections (sqlx) and an
/// import's load (rusqlite, `sqlite_load`); a JSON array binds a list of ids.
pub(crate) mod sqlite_sql {
    pub const INSERT_SEGMENT: &str = "INSERT INTO change_gram_segments (bytes) VALUES ($1) RETURNING id";
    pub const SMALL_SEGMENTS: &str = "SELECT id, bytes FROM change_gram_segments WHERE bytes < $1 ORDER BY id";
    pub const BLOCKS_OF: &str =
        "SELECT first_gram, entries FROM change_gram_blocks WHERE segment IN (SELECT value FROM json_each($1))";
    pub const DELETE_BLOCKS: &str = "DELETE FROM change_gram_blocks WHERE segment IN (SELECT value FROM json_each($1))";
    pub const DELETE_SEGMENTS: &str = "DELETE FROM change_gram_segments WHERE id IN (SELECT value FROM json_each($1))";
}

impl GramSegments for SqliteConnection {
    async fn insert_segment(&mut self, _scope: i64, bytes: i64) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(sqlite_sql::INSERT_SEGMENT).bind(bytes).fetch_one(&mut *self).await?;
        Ok(id)
    }

    async fn insert_blocks(&mut self, segment: i64, blocks: &[(Gram, Vec<u8>)]) -> Result<()> {
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO change_gram_blocks (segment, first_gram, entries) ");
        qb.push_values(blocks, |mut row, (first, entries)| {
            row.push_bind(segment).push_bind(i64::from(*first)).push_bind(entries.as_slice());
        });
        qb.build().persistent(false).execute(&mut *self).await?;
        Ok(())
    }

    async fn small_segments(&mut self, _scope: i64, below: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(sqlite_sql::SMALL_SEGMENTS).bind(below).fetch_all(&mut *self).await?)
    }

    async fn blocks_of(&mut self, segments: &[i64]) -> Result<Vec<(i64, Vec<u8>)>> {
        Ok(sqlx::query_as(sqlite_sql::BLOCKS_OF).bind(json_ids(segments)).fetch_all(&mut *self).await?)
    }

    async fn delete_segments(&mut self, segments: &[i64]) -> Result<()> {
        let list = json_ids(segments);
        for statement in [sqlite_sql::DELETE_BLOCKS, sqlite_sql::DELETE_SEGMENTS] {
            sqlx::query(statement).bind(&list).execute(&mut *self).await?;
        }
        Ok(())
    }
}

impl GramTables for SqliteConnection {
    async fn blocks_for(&mut self, grams: &[Gram]) -> Result<Vec<(i64, Vec<u8>)>> {
        Ok(sqlx::query_as(
            "SELECT b.first_gram, b.entries FROM change_gram_blocks b WHERE b.rowid IN (\
             SELECT (SELECT x.rowid FROM change_gram_blocks x WHERE x.segment = s.id AND x.first_gram <= w.value \
                     ORDER BY x.first_gram DESC LIMIT 1) \
             FROM change_gram_segments s, json_each($1) w)",
        )
        .bind(json_ids(grams))
        .fetch_all(&mut *self)
        .await?)
    }

    async fn clear_when_nothing_is_indexed(&mut self) -> Result<()> {
        let (any,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM change_text)").fetch_one(&mut *self).await?;
        if !any {
            sqlx::query("DELETE FROM change_gram_blocks").execute(&mut *self).await?;
            sqlx::query("DELETE FROM change_gram_segments").execute(&mut *self).await?;
        }
        Ok(())
    }
}

impl GramSegments for PgConnection {
    async fn insert_segment(&mut self, scope: i64, bytes: i64) -> Result<i64> {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO change_gram_segments (workspace_id, bytes) VALUES ($1, $2) RETURNING id")
                .bind(scope)
                .bind(bytes)
                .fetch_one(&mut *self)
                .await?;
        Ok(id)
    }

    async fn insert_blocks(&mut self, segment: i64, blocks: &[(Gram, Vec<u8>)]) -> Result<()> {
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Postgres>::new("INSERT INTO change_gram_blocks (segment, first_gram, entries) ");
        qb.push_values(blocks, |mut row, (first, entries)| {
            row.push_bind(segment).push_bind(i64::from(*first)).push_bind(entries.as_slice());
        });
        qb.build().persistent(false).execute(&mut *self).await?;
        Ok(())
    }

    async fn small_segments(&mut self, scope: i64, below: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT id, bytes FROM change_gram_segments WHERE workspace_id = $1 AND bytes < $2 ORDER BY id",
        )
        .bind(scope)
        .bind(below)
        .fetch_all(&mut *self)
        .await?)
    }

    async fn blocks_of(&mut self, segments: &[i64]) -> Result<Vec<(i64, Vec<u8>)>> {
        Ok(sqlx::query_as("SELECT first_gram, entries FROM change_gram_blocks WHERE segment = ANY($1)")
            .bind(segments)
            .fetch_all(&mut *self)
            .await?)
    }

    async fn delete_segments(&mut self, segments: &[i64]) -> Result<()> {
        // The blocks first, not by the key's cascade: a store copy sets the keys aside meanwhile.
        sqlx::query("DELETE FROM change_gram_blocks WHERE segment = ANY($1)")
            .bind(segments)
            .execute(&mut *self)
            .await?;
        sqlx::query("DELETE FROM change_gram_segments WHERE id = ANY($1)").bind(segments).execute(&mut *self).await?;
        Ok(())
    }
}

impl GramTables for PgConnection {
    async fn blocks_for(&mut self, grams: &[Gram]) -> Result<Vec<(i64, Vec<u8>)>> {
        let grams: Vec<i64> = grams.iter().map(|&g| i64::from(g)).collect();
        Ok(sqlx::query_as(
            "SELECT b.first_gram, b.entries FROM change_gram_blocks b WHERE (b.segment, b.first_gram) IN (\
             SELECT s.id, (SELECT x.first_gram FROM change_gram_blocks x WHERE x.segment = s.id \
                           AND x.first_gram <= w.gram ORDER BY x.first_gram DESC LIMIT 1) \
             FROM change_gram_segments s, unnest($1::bigint[]) AS w (gram))",
        )
        .bind(grams)
        .fetch_all(&mut *self)
        .await?)
    }

    async fn clear_when_nothing_is_indexed(&mut self) -> Result<()> {
        // Per workspace: a workspace whose commits are all gone has nothing left to find.
        sqlx::query(
            "DELETE FROM change_gram_segments s WHERE NOT EXISTS (SELECT 1 FROM change_text t \
             JOIN commits c ON c.id = t.commit_id JOIN repositories r ON r.id = c.repository_id \
             WHERE r.workspace_id = s.workspace_id)",
        )
        .execute(&mut *self)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_lists_round_trip_through_their_encoding() {
        let ids = [1, 2, 130, 131, 20_000, 5_000_000_000];
        let encoded = encode(&ids);
        assert_eq!(encoded[..5], [1, 1, 0x80, 0x01, 1], "deltas of 1, 1, 128 and 1 as varints");
        let mut decoded = Vec::new();
        decode(&encoded, &mut decoded).unwrap();
        assert_eq!(decoded, ids);
        assert!(decode(&[0xff; 12], &mut Vec::new()).is_err(), "a varint longer than 64 bits");
    }

    #[test]
    fn rolling_grams_equal_the_windows_of_each_line() {
        for text in ["", "a", "ab", "abc", "ab\ncd", "\n\nabc\n", "AbC dEf\nxYz\n\nq", "x\nabcd\ne"] {
            let expected: Vec<Gram> = text
                .as_bytes()
                .windows(3)
                .filter(|w| !w.contains(&b'\n'))
                .map(|w| REMOVED_SIDE | gram_bytes(w[0], w[1], w[2]))
                .collect();
            assert_eq!(text_grams(text.as_bytes(), REMOVED_SIDE).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn grams_are_distinct_case_folded_and_stay_within_lines() {
        let mut scratch = GramScratch::default();
        let abc = gram_bytes(b'a', b'b', b'c');
        let grams = scratch.commit_grams("AbcABC\nab", "abc");
        assert_eq!(grams, vec![abc, gram_bytes(b'b', b'c', b'a'), gram_bytes(b'c', b'a', b'b'), REMOVED_SIDE | abc]);
        assert!(scratch.seen.bits.iter().all(|&w| w == 0), "the bitmap is left clear for the next commit");
        assert_eq!(scratch.commit_grams("abc", ""), vec![abc], "nothing carried over from the last commit");
    }

    #[test]
    fn blocks_hold_runs_of_grams_and_read_back() {
        let mut writer = BlockWriter::default();
        let lists: Vec<(Gram, Vec<u8>)> = (0..3000u32).map(|i| (i * 7 + 5, encode(&[1, i64::from(i) + 2]))).collect();
        for (gram, list) in &lists {
            writer.push(*gram, list);
        }
        assert!(writer.blocks.len() > 1, "more than one block");
        assert!(writer.blocks.iter().all(|(_, b)| b.len() < BLOCK_BYTES + 16));
        let mut read = Vec::new();
        for (first, block) in &writer.blocks {
            read.extend(entries(*first, block).unwrap().into_iter().map(|(g, l)| (g, l.to_vec())));
        }
        assert_eq!(read, lists);
        assert!(entries(0, &[1, 5, 1]).is_err(), "a list running past the block");
    }

    #[test]
    fn size_classes_grow_fourfold() {
        assert_eq!(size_class(0), 0);
        assert_eq!(size_class(SMALLEST_CLASS_BYTES - 1), 0);
        assert_eq!(size_class(SMALLEST_CLASS_BYTES), 1);
        assert_eq!(size_class(SMALLEST_CLASS_BYTES * 4 - 1), 1);
        assert_eq!(size_class(SMALLEST_CLASS_BYTES * 4), 2);
    }
}
