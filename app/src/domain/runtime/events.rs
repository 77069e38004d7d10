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

/// An event that passed the checks needing no policy, with its parsed time and trimmed
/// text.
#[derive(Debug)]
pub struct Checked<'a> {
    pub event: &'a EventIn,
    pub summary: &'a str,
    pub occurred_at: OffsetDateTime,
    pub key: &'a str,
}

fn field(i: usize, name: &str) -> String {
    format!("events[{i}].{name}")
}

/// The batch size, each event's kind, text, time and key, and keys repeated within the
/// batch. Pure, so the fuzz target runs it on arbitrary input.
pub fn check_batch(
    events: &[EventIn],
    received_at: OffsetDateTime,
) -> Result<Vec<Checked<'_>>, AppError> {
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
    let mut keys = HashSet::with_capacity(events.len());
    let mut checked = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if !KINDS.contains(&e.kind.as_str()) {
            return Err(AppError::invalid(
                field(i, "kind"),
                "must be one of action, message, error, note",
            ));
        }
        let summary = e.summary.trim();
        if summary.is_empty() {
            return Err(AppError::invalid(field(i, "summary"), "must not be empty"));
        }
        if summary.chars().count() > MAX_SUMMARY {
            return Err(AppError::invalid(
                field(i, "summary"),
                format!("must be at most {MAX_SUMMARY} characters"),
            ));
        }
        let occurred_at = OffsetDateTime::parse(&e.occurred_at, &Rfc3339).map_err(|_| {
            AppError::invalid(
                field(i, "occurred_at"),
                "must be an RFC 3339 time, e.g. 2026-11-29T08:00:00Z",
            )
        })?;
        if occurred_at > received_at + MAX_FUTURE_SKEW {
            return Err(AppError::invalid(
                field(i, "occurred_at"),
                "is more than 5 minutes in the future; check the runtime's clock",
            ));
        }
        let key = e.idempotency_key.trim();
        if key.is_empty() || key.len() > MAX_KEY {
            return Err(AppError::invalid(
                field(i, "idempotency_key"),
                format!("must be 1 to {MAX_KEY} characters"),
            ));
        }
        if !keys.insert(key) {
            return Err(AppError::invalid(
                field(i, "idempotency_key"),
                "repeats a key used earlier in this batch",
            ));
        }
        checked.push(Checked {
            event: e,
            summary,
            occurred_at,
            key,
        });
    }
    Ok(checked)
}

/// Checks the whole batch before writing any of it: one bad event refuses them all.
pub async fn report_events(
    ctx: &Ctx,
    token: &RuntimeToken,
    events: &[EventIn],
) -> Result<Reported, AppError> {
    token.require(RuntimeScope::EventsWrite)?;
    let received_at = now();
    let checked = check_batch(events, received_at)?;
    let snapshot = ctx
        .runtime
        .cache
        .get(&ctx.db, token.space_id.as_str())
        .await?;
    let mut rows = Vec::with_capacity(checked.len());
    for (i, c) in checked.into_iter().enumerate() {
        let e = c.event;
        persona_in_scope(token, &snapshot, &e.persona_id)?;
        if let Some(cap) = &e.capability
            && !snapshot.capabilities.contains(cap)
        {
            return Err(AppError::invalid(
                field(i, "capability"),
                format!("'{cap}' is not a capability enabled in this space"),
            ));
        }
        rows.push(runtime_event::ActiveModel {
            id: sea_orm::NotSet,
            tenant_id: Set(snapshot.tenant_id.clone()),
            space_id: Set(snapshot.space_id.clone()),
            persona_id: Set(e.persona_id.clone()),
            kind: Set(e.kind.clone()),
            capability: Set(e.capability.clone()),
            summary: Set(c.summary.to_string()),
            occurred_at: Set(c.occurred_at.to_offset(time::UtcOffset::UTC)),
            received_at: Set(received_at),
            idempotency_key: Set(c.key.to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event(key: &str, at: &str) -> EventIn {
        EventIn {
            persona_id: "p".into(),
            kind: "action".into(),
            capability: None,
            summary: "  Sent the weekly report  ".into(),
            occurred_at: at.into(),
            idempotency_key: key.into(),
        }
    }

    fn refused(events: &[EventIn]) -> String {
        match check_batch(events, datetime!(2026-11-29 08:00 UTC)) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_good_batch_passes_trimmed_and_parsed() {
        let batch = [event(" k1 ", "2026-11-29T09:04:00+01:00")];
        let Ok(checked) = check_batch(&batch, datetime!(2026-11-29 08:00 UTC)) else {
            panic!("a good batch was refused");
        };
        assert_eq!(checked[0].summary, "Sent the weekly report");
        assert_eq!(checked[0].key, "k1");
        assert_eq!(checked[0].occurred_at, datetime!(2026-11-29 08:04 UTC));
    }

    #[test]
    fn each_bad_part_is_refused_by_name() {
        assert_eq!(refused(&[]), "events");
        let many: Vec<EventIn> = (0..=MAX_BATCH)
            .map(|i| event(&i.to_string(), "2026-11-29T08:00:00Z"))
            .collect();
        assert_eq!(refused(&many), "events");
        let at = "2026-11-29T08:00:00Z";
        assert_eq!(
            refused(&[event("a", at), event(" a", at)]),
            "events[1].idempotency_key"
        );
        assert_eq!(
            refused(&[event("a", "2026-11-29T08:05:01Z")]),
            "events[0].occurred_at"
        );
        assert_eq!(refused(&[event("a", "yesterday")]), "events[0].occurred_at");
        assert_eq!(refused(&[event("", at)]), "events[0].idempotency_key");
        let mut shout = event("a", at);
        shout.kind = "shout".into();
        assert_eq!(refused(&[shout]), "events[0].kind");
        let mut blank = event("a", at);
        blank.summary = "   ".into();
        assert_eq!(refused(&[blank]), "events[0].summary");
    }
}
