//! Where the decision log writes: a connection of its own whose SQLite worker thread
//! runs at the lowest priority while the core has room, the shared pool otherwise.
//!
//! With SQLite every statement and commit runs on the connection's worker thread. At
//! normal priority that thread takes the core from the request workers in slices of a
//! millisecond or more, once a second, while it writes the second's decisions: that is
//! what lifts decisions' p99 at half of saturation above the machine's floor
//! (docs/benchmarks.md, sessions 15 and 19). At nice 19 it runs in the core's idle time
//! instead. Priority cannot be raised back without privilege, so when the core has no
//! idle time (a background write overruns its budget) the write is rolled back and
//! redone on the shared pool at normal priority, which keeps doing the writes for a
//! while before the background connection is tried again: at saturation decisions are
//! still written as fast as before, and the write lock is never held for long by a
//! starved thread.

use sea_orm::{DatabaseConnection, DbErr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::decision_log::FLUSH_EVERY;
use super::thread_priority;
use crate::domain::db::{self, DatabaseUrl};

/// The longest a background write may take before it gives way: one flush interval.
/// At half of saturation the write takes a few hundred milliseconds of idle time.
pub const BACKGROUND_BUDGET: Duration = FLUSH_EVERY;
/// Flushes written at normal priority after a background write overran its budget.
pub const FOREGROUND_AFTER_OVERRUN: u32 = 10;

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
        let Some(db) = db::connect_dedicated_sqlite(url, thread.clone()).await? else {
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
}

/// Which connection each flush writes through.
#[derive(Debug)]
pub struct Lanes {
    background: Option<BackgroundWriter>,
    /// How long a background write may take (`BACKGROUND_BUDGET` unless set).
    budget: Duration,
    /// Flushes left at normal priority since a background write overran.
    foreground_left: u32,
    overruns: u64,
    written: u64,
}

impl Lanes {
    pub fn new(background: Option<BackgroundWriter>) -> Self {
        Self {
            background,
            budget: BACKGROUND_BUDGET,
            foreground_left: 0,
            overruns: 0,
            written: 0,
        }
    }

    /// Another budget for background writes than `BACKGROUND_BUDGET`.
    pub fn with_budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// The background connection if this flush should try it, counting down the
    /// flushes left at normal priority.
    pub async fn background(&mut self) -> Option<&DatabaseConnection> {
        if self.foreground_left > 0 {
            self.foreground_left -= 1;
            return None;
        }
        self.background.as_ref()?.lowered().await
    }

    /// A background write overran its budget and was rolled back: the core has no idle
    /// time, so the next flushes run at normal priority.
    pub fn overran(&mut self) {
        self.overruns += 1;
        self.foreground_left = FOREGROUND_AFTER_OVERRUN;
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
