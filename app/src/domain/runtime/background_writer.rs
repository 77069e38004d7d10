//! Where the decision log writes: a connection of its own whose SQLite worker thread
//! runs at the lowest priority while the core has room, the shared pool otherwise.
//!
//! With SQLite every statement and commit runs on the connection's worker thread. At
//! normal priority that thread takes the core from the request workers in slices of a
//! millisecond or more, once a second, while it writes the second's decisions: that is
//! what lifts decisions' p99 at half of saturation above the machine's floor
//! (docs/benchmarks.md, sessions 15 and 19). Under `SCHED_IDLE` (at nice 19 where that
//! is refused) it runs in the core's idle time instead, and gives the core back as soon
//! as a request worker wakes (session 21: p99 0.89× of nice 19 alone). Priority cannot be raised back without privilege, so when the core has no
//! idle time (a background write overruns its budget) the write is rolled back and
//! redone on the shared pool at normal priority, which keeps doing the writes for a
//! while (counted in time, not in writes: idle seconds after a burst count too) before
//! the background connection is tried again: at saturation decisions are still written
//! as fast as before, and the write lock is never held for long by a starved thread.

use sea_orm::{DatabaseConnection, DbErr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::decision_log::FLUSH_EVERY;
use super::thread_priority;
use crate::domain::db::{self, DatabaseUrl};

/// The longest a background write may take before it gives way: one flush interval.
/// At half of saturation the write takes a few hundred milliseconds of idle time.
pub const BACKGROUND_BUDGET: Duration = FLUSH_EVERY;
/// How long writes go through the pool at normal priority after a background write
/// overran its budget. Counted in time so that a quiet spell after a burst ends it:
/// counted in writes, an idle minute (no batch, no write) left the next ten batches of
/// a lighter load at normal priority, taking the core from its requests again.
pub const FOREGROUND_AFTER_OVERRUN: Duration = Duration::from_secs(10);

/// The dedicated connection and its worker thread's name.
#[derive(Debug)]
pub struct BackgroundWriter {
    db: DatabaseConnection,
    thread: String,
}

impl BackgroundWriter {
    /// Opens the dedicated connection and lowers its thread. `Ok(None)` where there is
    /// nothing to gain (PostgreSQL, in-memory SQLite) or the platform cannot lower a
    /// thread's priority: the recorder then writes through the shared pool, as before.
    pub async fn open(url: &DatabaseUrl) -> Result<Option<Self>, DbErr> {
        static OPENED: AtomicU64 = AtomicU64::new(0);
        // Unique per writer, so lowering one never touches another's thread.
        let thread = format!("psn-rec-{}", OPENED.fetch_add(1, Ordering::Relaxed));
        debug_assert!(thread.len() <= thread_priority::NAME_MAX);
        let Some(db) = open_from_idle_thread(url.clone(), thread.clone()).await? else {
            return Ok(None);
        };
        let writer = Self { db, thread };
        if writer.lowered().await.is_none() {
            writer.db.close_by_ref().await.ok();
            return Ok(None);
        }
        Ok(Some(writer))
    }

    /// The connection, once its worker thread is known to run at the lowest priority.
    /// Checked before each use: were the connection ever reopened, its new thread would
    /// start at normal priority.
    pub async fn lowered(&self) -> Option<&DatabaseConnection> {
        if thread_priority::lower_named(&self.thread) == 0 {
            // No thread: the pool lost its connection. Using it opens another.
            self.db.ping().await.ok()?;
            if thread_priority::lower_named(&self.thread) == 0 {
                return None;
            }
        }
        Some(&self.db)
    }

    /// The worker thread's name (for the tests and the benchmark's notes).
    pub fn thread(&self) -> &str {
        &self.thread
    }

    /// Whether the worker thread runs under `SCHED_IDLE` (else at nice 19 only).
    pub fn idle(&self) -> bool {
        thread_priority::is_idle(&self.thread) == Some(true)
    }
}

/// Opens the connection from a thread of ours that first puts itself under `SCHED_IDLE`:
/// SQLite's worker thread is started by the thread that opens the connection and
/// inherits its policy, and no crate sets another thread's policy without `unsafe`. The
/// runtime's handle drives the open there, so what the pool spawns still runs on the
/// runtime. A connection the pool reopens later is started from a runtime thread, at
/// normal policy: `lowered` then brings it to nice 19 only.
async fn open_from_idle_thread(
    url: DatabaseUrl,
    thread: String,
) -> Result<Option<DatabaseConnection>, DbErr> {
    let runtime = tokio::runtime::Handle::current();
    let (done, opened) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("psn-rec-open".into())
        .spawn(move || {
            thread_priority::idle_current();
            let _ = done.send(runtime.block_on(db::connect_dedicated_sqlite(&url, thread)));
        })
        .map_err(|e| DbErr::Custom(format!("cannot start the recorder's opener thread: {e}")))?;
    opened
        .await
        .map_err(|_| DbErr::Custom("the recorder's opener thread ended without an answer".into()))?
}

/// Which connection each flush writes through.
#[derive(Debug)]
pub struct Lanes {
    background: Option<BackgroundWriter>,
    /// How long a background write may take (`BACKGROUND_BUDGET` unless set).
    budget: Duration,
    /// How long writes stay at normal priority after an overrun.
    foreground_for: Duration,
    /// Until when writes go through the pool, after the last overrun.
    foreground_until: Option<Instant>,
    overruns: u64,
    written: u64,
}

impl Lanes {
    pub fn new(background: Option<BackgroundWriter>) -> Self {
        Self {
            background,
            budget: BACKGROUND_BUDGET,
            foreground_for: FOREGROUND_AFTER_OVERRUN,
            foreground_until: None,
            overruns: 0,
            written: 0,
        }
    }

    /// Another budget for background writes than `BACKGROUND_BUDGET`.
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Another spell at normal priority after an overrun than `FOREGROUND_AFTER_OVERRUN`.
    pub fn with_foreground_for(mut self, spell: Duration) -> Self {
        self.foreground_for = spell;
        self
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// The background connection if a flush starting now should try it.
    pub async fn background(&self) -> Option<&DatabaseConnection> {
        if self.in_foreground(Instant::now()) {
            return None;
        }
        self.background.as_ref()?.lowered().await
    }

    /// Whether writes at `now` still go through the pool after the last overrun.
    fn in_foreground(&self, now: Instant) -> bool {
        self.foreground_until.is_some_and(|until| now < until)
    }

    /// How long writes stay at normal priority after an overrun.
    pub fn foreground_for(&self) -> Duration {
        self.foreground_for
    }

    /// A background write overran its budget and was rolled back: the core has no idle
    /// time, so writes run at normal priority for a while.
    pub fn overran(&mut self) {
        self.overran_at(Instant::now());
    }

    fn overran_at(&mut self, now: Instant) {
        self.overruns += 1;
        self.foreground_until = Some(now + self.foreground_for);
    }

    /// A background write committed.
    pub fn wrote(&mut self) {
        self.written += 1;
    }

    /// Background writes that overran since the server started.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// Batches the background connection committed since the server started.
    pub fn written(&self) -> u64 {
        self.written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_an_overrun_the_pool_writes_for_a_spell_of_time_idle_or_not() {
        let mut lanes = Lanes::new(None);
        let t0 = Instant::now();
        assert!(!lanes.in_foreground(t0), "no overrun yet");
        lanes.overran_at(t0);
        assert!(lanes.in_foreground(t0));
        // No flush in between: the spell still ends on time.
        assert!(lanes.in_foreground(t0 + FOREGROUND_AFTER_OVERRUN - Duration::from_millis(1)));
        assert!(!lanes.in_foreground(t0 + FOREGROUND_AFTER_OVERRUN));
        assert!(!lanes.in_foreground(t0 + 2 * FOREGROUND_AFTER_OVERRUN));
        assert_eq!(lanes.overruns(), 1);
    }

    #[test]
    fn another_overrun_starts_the_spell_again_from_its_own_time() {
        let mut lanes = Lanes::new(None).with_foreground_for(Duration::from_secs(2));
        let t0 = Instant::now();
        lanes.overran_at(t0);
        lanes.overran_at(t0 + Duration::from_secs(1));
        assert!(lanes.in_foreground(t0 + Duration::from_millis(2_500)));
        assert!(!lanes.in_foreground(t0 + Duration::from_secs(3)));
        assert_eq!(lanes.overruns(), 2);
    }
}
