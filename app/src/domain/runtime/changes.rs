//! Changes that runtimes must hear about: each bumps the space's counters and appends a
//! stream event in the same transaction as the change itself, so an event exists exactly
//! when its change committed, and ids are handed out in commit order per space (the
//! space row is locked by the counter update until commit).

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;

use crate::AppError;
use crate::domain::entities::{space, stream_event};
use crate::domain::{now, rfc3339};

/// How many events per space a reconnecting runtime can replay; older ones are pruned
/// and a runtime that missed more is told to fetch its policies again.
pub const REPLAY_WINDOW: i64 = 1000;

pub const KILL_SWITCH: &str = "kill_switch";
pub const POLICY_CHANGED: &str = "policy_changed";
pub const APPROVAL_DECIDED: &str = "approval_decided";

/// Moves the space's counters; returns (event id, policy version).
async fn bump(
    txn: &impl ConnectionTrait,
    space_id: &str,
    policy: bool,
) -> Result<(i64, i64), AppError> {
    let mut update = space::Entity::update_many()
        .col_expr(
            space::Column::EventSeq,
            Expr::col(space::Column::EventSeq).add(1),
        )
        .filter(space::Column::Id.eq(space_id));
    if policy {
        update = update.col_expr(
            space::Column::PolicyVersion,
            Expr::col(space::Column::PolicyVersion).add(1),
        );
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    space::Entity::find_by_id(space_id)
        .select_only()
        .column(space::Column::EventSeq)
        .column(space::Column::PolicyVersion)
        .into_tuple::<(i64, i64)>()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

async fn append(
    txn: &impl ConnectionTrait,
    space_id: &str,
    seq: i64,
    kind: &str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    stream_event::ActiveModel {
        space_id: Set(space_id.to_string()),
        seq: Set(seq),
        kind: Set(kind.to_string()),
        payload: Set(payload.to_string()),
        created_at: Set(now()),
    }
    .insert(txn)
    .await?;
    stream_event::Entity::delete_many()
        .filter(stream_event::Column::SpaceId.eq(space_id))
        .filter(stream_event::Column::Seq.lte(seq - REPLAY_WINDOW))
        .exec(txn)
        .await?;
    Ok(())
}

/// What a persona (or, with `None`, every persona of the space) may do has changed.
pub async fn policy_changed(
    txn: &impl ConnectionTrait,
    space_id: &str,
    persona_id: Option<&str>,
) -> Result<(), AppError> {
    let (seq, version) = bump(txn, space_id, true).await?;
    let payload = json!({ "persona_id": persona_id, "version": version });
    append(txn, space_id, seq, POLICY_CHANGED, payload).await
}

/// A switch was engaged or released.
pub async fn kill_switch(
    txn: &impl ConnectionTrait,
    space_id: &str,
    scope: &str,
    scope_id: &str,
    engaged: bool,
    reason: &str,
) -> Result<(), AppError> {
    let (seq, version) = bump(txn, space_id, true).await?;
    let payload = json!({
        "scope": scope,
        "scope_id": scope_id,
        "engaged": engaged,
        "reason": reason,
        "at": rfc3339(now()),
        "version": version,
    });
    append(txn, space_id, seq, KILL_SWITCH, payload).await
}

/// A person decided an approval that a decision opened.
pub async fn approval_decided(
    txn: &impl ConnectionTrait,
    space_id: &str,
    approval_id: &str,
    state: &str,
) -> Result<(), AppError> {
    let (seq, _) = bump(txn, space_id, false).await?;
    let payload = json!({ "approval_id": approval_id, "state": state });
    append(txn, space_id, seq, APPROVAL_DECIDED, payload).await
}
