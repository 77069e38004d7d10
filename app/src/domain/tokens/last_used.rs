//! "Last used" without a database write per request: runtime requests note the time in
//! memory, and a background task writes the newest time per token in one transaction
//! every few seconds (and once more at shutdown).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;

use crate::AppError;
use crate::domain::entities::runtime_token;

/// How often the server writes what it has seen.
pub const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Debug, Default)]
pub struct LastUsed {
    seen: Mutex<HashMap<String, OffsetDateTime>>,
}

impl LastUsed {
    pub fn touch(&self, token_id: &str, at: OffsetDateTime) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The common case (a token already seen since the last flush) allocates nothing.
        match seen.get_mut(token_id) {
            Some(newest) if *newest < at => *newest = at,
            Some(_) => {}
            None => {
                seen.insert(token_id.to_string(), at);
            }
        }
    }

    /// Writes what was seen since the last flush; returns how many tokens were updated.
    /// On failure the times are kept for the next flush.
    pub async fn flush(&self, db: &sea_orm::DatabaseConnection) -> Result<usize, AppError> {
        let batch = std::mem::take(
            &mut *self
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        if batch.is_empty() {
            return Ok(0);
        }
        let written = async {
            let txn = db.begin().await?;
            for (id, at) in &batch {
                // Never move the time backwards (another replica may have written later).
                runtime_token::Entity::update_many()
                    .col_expr(runtime_token::Column::LastUsedAt, Expr::value(Some(*at)))
                    .filter(runtime_token::Column::Id.eq(id.as_str()))
                    .filter(
                        Condition::any()
                            .add(runtime_token::Column::LastUsedAt.is_null())
                            .add(runtime_token::Column::LastUsedAt.lt(*at)),
                    )
                    .exec(&txn)
                    .await?;
            }
            txn.commit().await
        }
        .await;
        match written {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                for (id, at) in batch {
                    self.touch(&id, at);
                }
                Err(e.into())
            }
        }
    }
}
