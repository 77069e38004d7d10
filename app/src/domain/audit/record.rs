//! Appending an entry, inside the caller's transaction: if the entry cannot be written,
//! the change it describes is not committed either.

use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, QuerySelect, Set};
use serde_json::Value;

use super::chain::entry_hash;
use super::diff::diff;
use super::views::Audited;
use crate::AppError;
use crate::domain::ConsoleUser;
use crate::domain::entities::{audit_entry, tenant};
use crate::types::TenantId;

/// Who made a change and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub role: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl AuditActor {
    /// The operating-system user running the command line (create-admin, demo).
    pub fn system() -> Self {
        Self {
            user_id: None,
            role: "system".into(),
            ip: None,
            user_agent: None,
        }
    }

    pub fn console(user: &ConsoleUser, ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            user_id: Some(user.user_id.to_string()),
            role: user.role.as_str().into(),
            ip,
            // Bounded: it is the client's to choose.
            user_agent: user_agent.map(|ua| ua.chars().take(512).collect()),
        }
    }

    /// The actor of a console request, with the origin the HTTP layer recorded.
    pub fn of(actor: &crate::domain::Actor) -> Self {
        let crate::domain::Actor::Console(user) = actor;
        Self::console(user, user.ip.clone(), user.user_agent.clone())
    }
}

/// What changed. `before`/`after` are the entity's audit view (never secrets).
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Change<'a> {
    pub fn created<M: Audited>(action: &'a str, model: &M) -> Self {
        Self {
            action,
            entity_type: M::ENTITY,
            entity_id: model.audit_id(),
            before: None,
            after: Some(model.audit_view()),
        }
    }

    pub fn deleted<M: Audited>(action: &'a str, model: &M) -> Self {
        Self {
            action,
            entity_type: M::ENTITY,
            entity_id: model.audit_id(),
            before: Some(model.audit_view()),
            after: None,
        }
    }

    pub fn updated<M: Audited>(action: &'a str, before: &M, after: &M) -> Self {
        Self {
            action,
            entity_type: M::ENTITY,
            entity_id: after.audit_id(),
            before: Some(before.audit_view()),
            after: Some(after.audit_view()),
        }
    }
}

pub async fn record(
    txn: &DatabaseTransaction,
    tenant_id: &TenantId,
    actor: &AuditActor,
    change: Change<'_>,
) -> Result<(), AppError> {
    // Appends to one tenant's chain are serialised: on PostgreSQL by locking the tenant
    // row; on SQLite the write transaction (BEGIN IMMEDIATE) already holds the lock. The
    // row holds the chain's head, so the new entry links to it and then becomes it.
    let head = tenant::Entity::find_by_id(tenant_id.as_str())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (seq, prev_hash) = (head.audit_head_seq + 1, head.audit_head_hash.clone());
    let now = crate::domain::now();
    let micros =
        i64::try_from(now.unix_timestamp_nanos() / 1_000).map_err(|_| AppError::Internal)?;
    let mut entry = audit_entry::Model {
        id: uuid::Uuid::now_v7().to_string(),
        tenant_id: tenant_id.to_string(),
        seq,
        occurred_at_micros: micros,
        actor_user_id: actor.user_id.clone(),
        actor_role: actor.role.clone(),
        action: change.action.into(),
        entity_type: change.entity_type.into(),
        entity_id: change.entity_id,
        diff: diff(change.before.as_ref(), change.after.as_ref()).to_string(),
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    let new_head = entry.hash.clone();
    audit_entry::ActiveModel {
        id: Set(entry.id),
        tenant_id: Set(entry.tenant_id),
        seq: Set(entry.seq),
        occurred_at_micros: Set(entry.occurred_at_micros),
        actor_user_id: Set(entry.actor_user_id),
        actor_role: Set(entry.actor_role),
        action: Set(entry.action),
        entity_type: Set(entry.entity_type),
        entity_id: Set(entry.entity_id),
        diff: Set(entry.diff),
        ip: Set(entry.ip),
        user_agent: Set(entry.user_agent),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash),
    }
    .insert(txn)
    .await?;
    let mut head = tenant::ActiveModel::from(head);
    head.audit_head_seq = Set(seq);
    head.audit_head_hash = Set(new_head);
    head.update(txn).await?;
    Ok(())
}
