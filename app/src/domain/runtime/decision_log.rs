//! Decisions recorded for the activity feed without a database write per request: the
//! hot path appends a compact row to memory, a background task writes batches every
//! second (and at shutdown), then tells open Activity pages which spaces have news.
//! With SQLite it writes through a connection of its own at low priority while the core
//! has idle time (`background_writer`).
//!
//! The writer binds rows straight into a multi-row INSERT whose text depends only on
//! the row count, and uses a handful of counts (powers of two), so the few statement
//! texts stay prepared and no query builder runs per row: the flush costs little more
//! than the database's own work on the core the requests share.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityName, IdenStatic, Statement,
    TransactionTrait, Value,
};
use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::background_writer::Lanes;
use super::hub::Hub;
use crate::AppError;
use crate::domain::entities::decision;

pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// Most rows per INSERT (13 parameters each: far under both databases' limits). Small,
/// because with SQLite each statement runs on a worker thread that shares the requests'
/// core: at 14,500 decisions a second, 32-row statements put decisions' p99 at 2.0–2.6
/// ms where 128-row ones gave 3.2–9.4 ms (docs/benchmarks.md).
const CHUNK: usize = 32;
/// Rows freed per step once a batch is written (see `release`).
const RELEASE_STEP: usize = 256;
/// Past this many unwritten decisions (the database is down), the oldest are dropped
/// and counted, rather than memory growing without bound.
const MAX_PENDING: usize = 200_000;

/// The columns a row fills, in the order `Row::bind` gives their values (all but the
/// database's own `id`). Names come from the entity, so they cannot drift from it.
const COLUMNS: [decision::Column; 13] = [
    decision::Column::TenantId,
    decision::Column::SpaceId,
    decision::Column::PersonaId,
    decision::Column::AppId,
    decision::Column::Capability,
    decision::Column::Action,
    decision::Column::Access,
    decision::Column::Environment,
    decision::Column::Decision,
    decision::Column::Reason,
    decision::Column::ApprovalId,
    decision::Column::TokenId,
    decision::Column::DecidedAt,
];

#[derive(Debug, Default)]
pub struct DecisionLog {
    pending: Mutex<VecDeque<Row>>,
    dropped: AtomicU64,
    /// Held while a batch is being written, so the flush at shutdown waits for one in
    /// flight (its rows are no longer pending) before the process exits.
    writing: tokio::sync::Mutex<()>,
}

/// One decision as the feed keeps it.
pub struct Recorded<'a> {
    pub tenant_id: &'a str,
    pub space_id: &'a str,
    pub persona_id: &'a str,
    pub app_id: Option<&'a str>,
    pub capability: &'a str,
    pub action: Option<&'a str>,
    pub access: &'static str,
    pub environment: &'a str,
    pub decision: &'static str,
    pub reason: &'static str,
    pub approval_id: Option<&'a str>,
    pub token_id: &'a str,
    pub at: time::OffsetDateTime,
}

/// A decision waiting to be written: the owned form of `Recorded`, fixed words kept as
/// static strings.
#[derive(Debug)]
struct Row {
    tenant_id: String,
    space_id: String,
    persona_id: String,
    app_id: Option<String>,
    capability: String,
    action: Option<String>,
    access: &'static str,
    environment: String,
    decision: &'static str,
    reason: &'static str,
    approval_id: Option<String>,
    token_id: String,
    at: time::OffsetDateTime,
}

impl Row {
    fn of(r: Recorded<'_>) -> Self {
        Self {
            tenant_id: r.tenant_id.to_owned(),
            space_id: r.space_id.to_owned(),
            persona_id: r.persona_id.to_owned(),
            app_id: r.app_id.map(str::to_owned),
            capability: r.capability.to_owned(),
            action: r.action.map(str::to_owned),
            access: r.access,
            environment: r.environment.to_owned(),
            decision: r.decision,
            reason: r.reason,
            approval_id: r.approval_id.map(str::to_owned),
            token_id: r.token_id.to_owned(),
            at: r.at,
        }
    }

    /// Its values in `COLUMNS` order. Copied, not moved: if the transaction fails, the
    /// batch is kept whole for the next try.
    fn bind(&self, values: &mut Vec<Value>) {
        values.extend([
            Value::from(self.tenant_id.as_str()),
            Value::from(self.space_id.as_str()),
            Value::from(self.persona_id.as_str()),
            Value::from(self.app_id.as_deref()),
            Value::from(self.capability.as_str()),
            Value::from(self.action.as_deref()),
            Value::from(self.access),
            Value::from(self.environment.as_str()),
            Value::from(self.decision),
            Value::from(self.reason),
            Value::from(self.approval_id.as_deref()),
            Value::from(self.token_id.as_str()),
            Value::from(self.at),
        ]);
    }
}

/// `INSERT INTO decisions (…) VALUES (…), …` for `rows` rows, in the backend's
/// placeholder style.
fn insert_sql(backend: DbBackend, rows: usize) -> String {
    let columns = COLUMNS
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let table = decision::Entity.table_name();
    let mut sql = format!("INSERT INTO \"{table}\" ({columns}) VALUES ");
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..COLUMNS.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => sql.push_str(&format!("${n}")),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// The row counts of the statements that write `total` rows: full chunks, then the rest
/// as descending powers of two (so only a few statement texts ever exist).
fn statement_sizes(total: usize) -> Vec<usize> {
    let mut sizes = vec![CHUNK; total / CHUNK];
    let mut rest = total % CHUNK;
    while rest > 0 {
        let size = 1 << rest.ilog2();
        sizes.push(size);
        rest -= size;
    }
    sizes
}

impl DecisionLog {
    pub fn push(&self, r: Recorded<'_>) {
        let row = Row::of(r);
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() >= MAX_PENDING {
            pending.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        pending.push_back(row);
    }

    /// Decisions dropped because the database could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes what is pending in one transaction through the shared pool; on failure it
    /// is kept for the next try.
    pub async fn flush(&self, db: &DatabaseConnection, hub: &Hub) -> Result<usize, AppError> {
        self.flush_through(db, &mut Lanes::new(None), hub).await
    }

    /// As `flush`, through the background connection when `lanes` offers it. A write
    /// that overruns the lanes' budget there is rolled back and redone through `db`,
    /// so a batch is written whole, once, or kept.
    pub async fn flush_through(
        &self,
        db: &DatabaseConnection,
        lanes: &mut Lanes,
        hub: &Hub,
    ) -> Result<usize, AppError> {
        let _writing = self.writing.lock().await;
        let batch = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            if pending.is_empty() {
                return Ok(0);
            }
            // Room for as many as last time, so requests do not regrow (and copy) the
            // queue under the lock while it refills.
            let room = pending.len();
            std::mem::replace(&mut *pending, VecDeque::with_capacity(room))
        };
        let total = batch.len();
        let budget = lanes.budget();
        let mut written = false;
        if let Some(background) = lanes.background().await {
            let deadline = Instant::now() + budget;
            match write(background, &batch, Some(deadline)).await {
                Ok(()) => {
                    lanes.wrote();
                    written = true;
                }
                Err(Failed::Late) => lanes.overran(),
                Err(Failed::Db(e)) => tracing::warn!(
                    error = %e,
                    "the background connection could not record runtime decisions; using the pool"
                ),
            }
        }
        let result = if written {
            Ok(())
        } else {
            write(db, &batch, None).await
        };
        match result {
            Ok(()) => {
                let spaces: BTreeSet<&str> = batch.iter().map(|r| r.space_id.as_str()).collect();
                for space in spaces {
                    hub.activity(space);
                }
                release(batch).await;
                Ok(total)
            }
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                let newer = std::mem::replace(&mut *pending, batch);
                pending.extend(newer);
                while pending.len() > MAX_PENDING {
                    pending.pop_front();
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                }
                Err(match e {
                    Failed::Db(e) => e,
                    // No deadline was set for the pool.
                    Failed::Late => AppError::Internal,
                })
            }
        }
    }
}

/// Frees a written batch a slice at a time. Dropped at once, a second's worth of rows
/// (eight strings each, 100,000 frees at 14,500 decisions a second) held the request
/// thread for milliseconds.
async fn release(mut batch: VecDeque<Row>) {
    while !batch.is_empty() {
        batch.drain(..batch.len().min(RELEASE_STEP));
        tokio::task::yield_now().await;
    }
}

/// Why a write left nothing behind.
enum Failed {
    /// It passed its deadline and was rolled back.
    Late,
    Db(AppError),
}

impl From<sea_orm::DbErr> for Failed {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Db(e.into())
    }
}

/// Writes `batch` in one transaction: all of it or, on failure, none of it. Past
/// `deadline` (checked after each statement) it rolls back and gives up.
async fn write(
    db: &DatabaseConnection,
    batch: &VecDeque<Row>,
    deadline: Option<Instant>,
) -> Result<(), Failed> {
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    // Most statements are full chunks: their text is built once per batch (and only if
    // the batch has one), not each time.
    let mut full: Option<String> = None;
    let mut rows = batch.iter();
    for size in statement_sizes(batch.len()) {
        let mut values = Vec::with_capacity(size * COLUMNS.len());
        for row in rows.by_ref().take(size) {
            row.bind(&mut values);
        }
        let sql = if size == CHUNK {
            full.get_or_insert_with(|| insert_sql(backend, CHUNK))
                .clone()
        } else {
            insert_sql(backend, size)
        };
        txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            txn.rollback().await?;
            return Err(Failed::Late);
        }
        // Let waiting requests run between statements.
        tokio::task::yield_now().await;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_cover_every_row_with_few_shapes() {
        for total in [0, 1, 2, 3, 127, 128, 129, 300, 1_000, 16_001] {
            let sizes = statement_sizes(total);
            assert_eq!(sizes.iter().sum::<usize>(), total, "{total}");
            assert!(sizes.iter().all(|s| s.is_power_of_two() && *s <= CHUNK));
            // At most one statement of each size below a full chunk.
            let partial: Vec<_> = sizes.iter().filter(|s| **s < CHUNK).collect();
            let distinct: BTreeSet<_> = partial.iter().collect();
            assert_eq!(partial.len(), distinct.len(), "{total}: {sizes:?}");
        }
    }

    #[test]
    fn every_column_but_the_id_is_written() {
        use sea_orm::Iterable;
        let written: Vec<&str> = COLUMNS.iter().map(|c| c.as_str()).collect();
        let expected: Vec<&str> = decision::Column::iter()
            .filter(|c| !matches!(c, decision::Column::Id))
            .map(|c| c.as_str())
            .collect();
        assert_eq!(written, expected);
    }

    #[test]
    fn placeholders_follow_the_backend() {
        let sqlite = insert_sql(DbBackend::Sqlite, 2);
        assert_eq!(sqlite.matches('?').count(), 26);
        assert!(sqlite.starts_with("INSERT INTO \"decisions\" (\"tenant_id\", "));
        let postgres = insert_sql(DbBackend::Postgres, 2);
        assert!(postgres.contains("$1, $2") && postgres.ends_with("$26)"));
        assert!(!postgres.contains('?'));
    }
}
