//! Moving a persona to another stage: the one write every stage change goes through
//! (an approved promotion, break glass, a demotion). Within the caller's transaction it
//! updates the persona (conditional on its version), records the audit entry, writes the
//! `policy_changed` stream event and closes any other waiting request for the persona,
//! whose starting point has just moved.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::entities::{persona, promotion};
use crate::domain::runtime::changes;
use crate::domain::{Actor, now};
use crate::types::{TenantId, stage_name};

/// A stage change as a row: `pending` for a request; `break_glass` and `demoted` are
/// decided by their author at once (`note` kept as the comment).
pub fn change_row(
    user: &crate::domain::ConsoleUser,
    persona: &persona::Model,
    to: u8,
    reason: String,
    state: &str,
    note: Option<String>,
) -> promotion::ActiveModel {
    use sea_orm::Set;
    let at = now();
    let decided = state != "pending";
    promotion::ActiveModel {
        id: Set(crate::types::PromotionId::new().to_string()),
        tenant_id: Set(user.tenant_id.to_string()),
        space_id: Set(persona.space_id.clone()),
        persona_id: Set(persona.id.clone()),
        from_stage: Set(persona.stage),
        to_stage: Set(i16::from(to)),
        requested_by: Set(user.user_id.to_string()),
        requested_at: Set(at),
        reason: Set(reason),
        attestations: Set("[]".into()),
        version: Set(1),
        state: Set(state.into()),
        decided_by: Set(decided.then(|| user.user_id.to_string())),
        decided_at: Set(decided.then_some(at)),
        comment: Set(note),
    }
}

pub async fn set_stage(
    txn: &DatabaseTransaction,
    actor: &Actor,
    tenant: &TenantId,
    before: &persona::Model,
    to: u8,
    audit_action: &str,
    keep_request: Option<&str>,
) -> Result<persona::Model, AppError> {
    let updated = persona::Entity::update_many()
        .col_expr(persona::Column::Stage, Expr::value(i16::from(to)))
        .col_expr(persona::Column::Version, Expr::value(before.version + 1))
        .filter(persona::Column::Id.eq(before.id.as_str()))
        .filter(persona::Column::Version.eq(before.version))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(
            "someone changed this persona a moment ago; nothing changed. Reload and try again.",
        ));
    }
    let after = persona::Entity::find_by_id(before.id.as_str())
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        txn,
        tenant,
        &AuditActor::of(actor),
        Change::updated(audit_action, before, &after),
    )
    .await?;
    let mut others = promotion::Entity::find()
        .filter(promotion::Column::PersonaId.eq(before.id.as_str()))
        .filter(promotion::Column::State.eq("pending"));
    if let Some(id) = keep_request {
        others = others.filter(promotion::Column::Id.ne(id));
    }
    let note = format!(
        "Closed: the persona moved to stage {to} · {} before this was decided.",
        stage_name(to)
    );
    for request in others.all(txn).await? {
        promotion::Entity::update_many()
            .col_expr(promotion::Column::State, Expr::value("superseded"))
            .col_expr(promotion::Column::DecidedAt, Expr::value(Some(now())))
            .col_expr(promotion::Column::Comment, Expr::value(Some(note.clone())))
            .filter(promotion::Column::Id.eq(request.id.as_str()))
            .exec(txn)
            .await?;
        let closed = promotion::Entity::find_by_id(request.id.as_str())
            .one(txn)
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            txn,
            tenant,
            &AuditActor::of(actor),
            Change::updated("promotion.superseded", &request, &closed),
        )
        .await?;
    }
    changes::policy_changed(txn, &after.space_id, Some(after.id.as_str())).await?;
    Ok(after)
}
