//! Decisions recorded for the activity feed without a database write per request: the
//! hot path appends to memory, a background task writes batches every second (and at
//! shutdown), then tells open Activity pages which spaces have news.

use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};
use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use super::hub::Hub;
use crate::AppError;
use crate::domain::entities::decision;

pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// Rows per INSERT: well under both databases' bind-parameter limits, and small enough
/// that building one statement never holds up the requests sharing the core for long.
const CHUNK: usize = 50;
/// Past this many unwritten decisions (the database is down), the oldest are dropped
/// and counted, rather than memory growing without bound.
const MAX_PENDING: usize = 200_000;

#[derive(Debug, Default)]
pub struct DecisionLog {
    pending: Mutex<Vec<decision::ActiveModel>>,
    dropped: std::sync::atomic::AtomicU64,
}

/// One decision as the feed keeps it.
pub struct Recorded<'a> {
    pub tenant_id: &'a str,
    pub space_id: &'a str,
    pub persona_id: &'a str,
    pub app_id: Option<&'a str>,
    pub capability: &'a str,
    pub action: Option<&'a str>,
    pub access: &'a str,
    pub environment: &'a str,
    pub decision: &'a str,
    pub reason: &'a str,
    pub approval_id: Option<&'a str>,
    pub token_id: &'a str,
    pub at: time::OffsetDateTime,
}

impl DecisionLog {
    pub fn push(&self, r: Recorded<'_>) {
        let row = decision::ActiveModel {
            id: sea_orm::NotSet,
            tenant_id: Set(r.tenant_id.to_string()),
            space_id: Set(r.space_id.to_string()),
            persona_id: Set(r.persona_id.to_string()),
            app_id: Set(r.app_id.map(str::to_string)),
            capability: Set(r.capability.to_string()),
            action: Set(r.action.map(str::to_string)),
            access: Set(r.access.to_string()),
            environment: Set(r.environment.to_string()),
            decision: Set(r.decision.to_string()),
            reason: Set(r.reason.to_string()),
            approval_id: Set(r.approval_id.map(str::to_string)),
            token_id: Set(r.token_id.to_string()),
            decided_at: Set(r.at),
        };
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if pending.len() >= MAX_PENDING {
            pending.remove(0);
            self.dropped
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        pending.push(row);
    }

    /// Decisions dropped because the database could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Writes what is pending in one transaction; on failure it is kept for the next try.
    pub async fn flush(&self, db: &DatabaseConnection, hub: &Hub) -> Result<usize, AppError> {
        let batch =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() {
            return Ok(0);
        }
        let spaces: BTreeSet<String> = batch
            .iter()
            .filter_map(|row| match &row.space_id {
                sea_orm::ActiveValue::Set(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        let written = async {
            let txn = db.begin().await?;
            for chunk in batch.chunks(CHUNK) {
                decision::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&txn)
                    .await?;
                // Let waiting requests run between statements.
                tokio::task::yield_now().await;
            }
            txn.commit().await
        }
        .await;
        match written {
            Ok(()) => {
                for space in &spaces {
                    hub.activity(space);
                }
                Ok(batch.len())
            }
            Err(e) => {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                let newer = std::mem::replace(&mut *pending, batch);
                pending.extend(newer);
                Err(e.into())
            }
        }
    }
}
