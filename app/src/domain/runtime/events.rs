//! `POST events`: what personas did, reported in batches. Each event carries an
//! idempotency key; a key already stored in the space is counted as a duplicate and
//! changes nothing, so a runtime can safely re-send after a timeout.

use sea_orm::sea_query::OnConflict;
use sea_orm::{EntityTrait, Set};
use std::collections::HashSet;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::persona_in_scope;
use crate::AppError;
use crate::domain::entities::runtime_event;
use crate::domain::tokens::authenticate::RuntimeToken;
use crate::domain::{Ctx, now};
use crate::types::RuntimeScope;

pub const MAX_BATCH: usize = 500;
pub const MAX_SUMMARY: usize = 2000;
pub const MAX_KEY: usize = 200;
/// Clocks drift; an event from further in the future than this is a bug, not drift.
pub const MAX_FUTURE_SKEW: time::Duration = time::Duration::minutes(5);
pub const KINDS: [&str; 4] = ["action", "message", "error", "note"];

#[derive(Debug, Clone)]
pub struct EventIn {
    pub persona_id: String,
    pub kind: String,
    pub capability: Option<String>,
    pub summary: String,
    pub occurred_at: String,
    pub idempotency_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    pub accepted: usize,
    pub duplicates: usize,
}

/// Checks the whole batch before writing any of it: one bad event refuses them all.
pub async fn report_events(
    ctx: &Ctx,
    token: &RuntimeToken,
    events: &[EventIn],
) -> Result<Reported, AppError> {
    token.require(RuntimeScope::EventsWrite)?;
    if events.is_empty() {
        return Err(AppError::invalid("events", "must hold at least one event"));
    }
    if events.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "events",
            format!(
                "holds {} events; send at most {MAX_BATCH} per request",
                events.len()
            ),
        ));
    }
    let snapshot = ctx
        .runtime
        .cache
        .get(&ctx.db, token.space_id.as_str())
        .await?;
    let received_at = now();
    let mut keys = HashSet::with_capacity(events.len());
    let mut rows = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let field = |name: &str| format!("events[{i}].{name}");
        persona_in_scope(token, &snapshot, &e.persona_id)?;
        if !KINDS.contains(&e.kind.as_str()) {
            return Err(AppError::invalid(
                field("kind"),
                "must be one of action, message, error, note",
            ));
        }
        if let Some(cap) = &e.capability
            && !snapshot.capabilities.contains(cap)
        {
            return Err(AppError::invalid(
                field("capability"),
                format!("'{cap}' is not a capability enabled in this space"),
            ));
        }
        let summary = e.summary.trim();
        if summary.is_empty() {
            return Err(AppError::invalid(field("summary"), "must not be empty"));
        }
        if summary.chars().count() > MAX_SUMMARY {
            return Err(AppError::invalid(
                field("summary"),
                format!("must be at most {MAX_SUMMARY} characters"),
            ));
        }
        let occurred_at = OffsetDateTime::parse(&e.occurred_at, &Rfc3339).map_err(|_| {
            AppError::invalid(
                field("occurred_at"),
                "must be an RFC 3339 time, e.g. 2026-11-29T08:00:00Z",
            )
        })?;
        if occurred_at > received_at + MAX_FUTURE_SKEW {
            return Err(AppError::invalid(
                field("occurred_at"),
                "is more than 5 minutes in the future; check the runtime's clock",
            ));
        }
        let key = e.idempotency_key.trim();
        if key.is_empty() || key.len() > MAX_KEY {
            return Err(AppError::invalid(
                field("idempotency_key"),
                format!("must be 1 to {MAX_KEY} characters"),
            ));
        }
        if !keys.insert(key) {
            return Err(AppError::invalid(
                field("idempotency_key"),
                "repeats a key used earlier in this batch",
            ));
        }
        rows.push(runtime_event::ActiveModel {
            id: sea_orm::NotSet,
            tenant_id: Set(snapshot.tenant_id.clone()),
            space_id: Set(snapshot.space_id.clone()),
            persona_id: Set(e.persona_id.clone()),
            kind: Set(e.kind.clone()),
            capability: Set(e.capability.clone()),
            summary: Set(summary.to_string()),
            occurred_at: Set(occurred_at.to_offset(time::UtcOffset::UTC)),
            received_at: Set(received_at),
            idempotency_key: Set(key.to_string()),
            token_id: Set(token.id.to_string()),
        });
    }
    let total = rows.len();
    // Keys already stored are skipped by the database itself, so two runtimes re-sending
    // the same batch at once still store each event once.
    let inserted = runtime_event::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                runtime_event::Column::SpaceId,
                runtime_event::Column::IdempotencyKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&ctx.db)
        .await?;
    let accepted = usize::try_from(inserted).unwrap_or(total).min(total);
    if accepted > 0 {
        ctx.runtime.hub.activity(&snapshot.space_id);
    }
    Ok(Reported {
        accepted,
        duplicates: total - accepted,
    })
}
