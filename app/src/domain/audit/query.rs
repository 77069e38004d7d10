//! Reading the audit log: filtered, newest first, in keyset pages over `(tenant_id, seq)`
//! (the unique index), so any page of a million-entry log costs the same.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{audit_entry, user};
use crate::domain::validate::check_filter;
use crate::domain::{Actor, Ctx};
use crate::types::{AuditEntryView, AuditFilter, AuditPageView};

pub const PAGE_SIZE: u64 = 50;
/// Export pages are larger: fewer round trips, still bounded memory.
pub const EXPORT_PAGE_SIZE: u64 = 1000;

fn rfc3339(micros: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map(crate::domain::rfc3339)
        .unwrap_or_default()
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// One page of entries, newest first, and the cursor for the next.
pub async fn list_audit_page(
    ctx: &Ctx,
    actor: &Actor,
    filter: &AuditFilter,
    page_size: u64,
) -> Result<AuditPageView, AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ViewAudit, Scope::Tenant(&access))?;
    for (field, value) in [
        ("entity_type", &filter.entity_type),
        ("action", &filter.action),
        ("actor", &filter.actor),
        ("entity_id", &filter.entity_id),
    ] {
        check_filter(field, value.as_deref().unwrap_or_default())?;
    }

    let mut cond = Condition::all().add(audit_entry::Column::TenantId.eq(me.tenant_id.as_str()));
    if let Some(before) = filter.before {
        cond = cond.add(audit_entry::Column::Seq.lt(before));
    }
    if let Some(t) = non_empty(&filter.entity_type) {
        cond = cond.add(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(a) = non_empty(&filter.action) {
        // `persona` matches every `persona.*` action; `persona.created` only itself.
        cond = if a.contains('.') {
            cond.add(audit_entry::Column::Action.eq(a))
        } else {
            cond.add(audit_entry::Column::Action.starts_with(format!("{a}.")))
        };
    }
    if let Some(id) = non_empty(&filter.entity_id) {
        cond = cond.add(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(who) = non_empty(&filter.actor) {
        if who == "system" {
            cond = cond.add(audit_entry::Column::ActorUserId.is_null());
        } else {
            let id = user::Entity::find()
                .filter(user::Column::Email.eq(who.to_lowercase()))
                .one(&ctx.db)
                .await?
                .map(|u| u.id)
                // An unknown person made no entries: match nothing rather than everything.
                .unwrap_or_default();
            cond = cond.add(audit_entry::Column::ActorUserId.eq(id));
        }
    }
    let mut rows = audit_entry::Entity::find()
        .filter(cond)
        .order_by_desc(audit_entry::Column::Seq)
        .limit(page_size + 1)
        .all(&ctx.db)
        .await?;
    let next_before = if rows.len() as u64 > page_size {
        rows.truncate(page_size as usize);
        rows.last().map(|e| e.seq)
    } else {
        None
    };
    let mut ids: Vec<&str> = rows
        .iter()
        .filter_map(|e| e.actor_user_id.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let emails: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let entries = rows
        .into_iter()
        .map(|e| AuditEntryView {
            seq: e.seq,
            occurred_at: rfc3339(e.occurred_at_micros),
            actor: match &e.actor_user_id {
                Some(id) => emails.get(id).cloned().unwrap_or_else(|| id.clone()),
                None => "system".into(),
            },
            actor_role: e.actor_role,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            diff: e.diff,
            ip: e.ip,
            user_agent: e.user_agent,
        })
        .collect();
    Ok(AuditPageView {
        entries,
        next_before,
    })
}

/// The header and one row of the CSV export, in the same column order.
pub const CSV_HEADER: [&str; 10] = [
    "seq",
    "occurred_at",
    "actor",
    "actor_role",
    "action",
    "entity_type",
    "entity_id",
    "diff",
    "ip",
    "user_agent",
];

pub fn csv_record(e: &AuditEntryView) -> [String; 10] {
    [
        e.seq.to_string(),
        e.occurred_at.clone(),
        e.actor.clone(),
        e.actor_role.clone(),
        e.action.clone(),
        e.entity_type.clone(),
        e.entity_id.clone(),
        e.diff.clone(),
        e.ip.clone().unwrap_or_default(),
        e.user_agent.clone().unwrap_or_default(),
    ]
}
