//! A reviewer's verdict on a promotion request (from the review queue). A rejection
//! closes it. An approval is refused while a gate fails, is never the requester's, and
//! counts only while the grants, the limits and the request stay as they were; when the
//! approvals that count reach the number the space asks for, the persona moves up in
//! the same transaction.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{basis, exposure, gates, limits, parse_attestations, stage, void_reason};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{persona, promotion, promotion_approval};
use crate::domain::spaces::space_for;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::SpaceId;

/// The basis approvals of `request` are measured against, as things are now.
pub async fn current_basis(
    db: &impl sea_orm::ConnectionTrait,
    request: &promotion::Model,
) -> Result<String, AppError> {
    let to = u8::try_from(request.to_stage).unwrap_or(2);
    let target = limits::of(&limits::load(db, &request.space_id).await?, to);
    Ok(basis_for(
        request,
        &exposure::fingerprint(db, &request.persona_id).await?,
        &target,
    ))
}

/// The basis of `request` from what the caller has already loaded: the persona's grants
/// fingerprint and the target stage's limits.
pub fn basis_for(request: &promotion::Model, grants: &str, target: &limits::Limits) -> String {
    basis(grants, &target.fingerprint(), request.version)
}

pub async fn decide_promotion(
    ctx: &Ctx,
    actor: &Actor,
    request: &promotion::Model,
    approve: bool,
    comment: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    space_for(
        ctx,
        actor,
        &SpaceId::from_db(request.space_id.clone()),
        Action::DecideReview,
    )
    .await?;
    let me = user.user_id.to_string();
    if request.requested_by == me {
        return Err(AppError::conflict(
            "you asked for this promotion: someone else must decide it. \
             An owner can promote at once with a written reason (break glass).",
        ));
    }
    let at = now();
    let txn = db::begin_write(&ctx.db).await?;
    let current = promotion::Entity::find_by_id(request.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.state != "pending" {
        return Err(AppError::conflict(format!(
            "this request was already {}; nothing changed",
            current.state
        )));
    }
    let before_persona = persona::Entity::find_by_id(current.persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let close = |state: &'static str, note: Option<String>| {
        promotion::Entity::update_many()
            .col_expr(promotion::Column::State, Expr::value(state))
            .col_expr(promotion::Column::DecidedBy, Expr::value(Some(me.clone())))
            .col_expr(promotion::Column::DecidedAt, Expr::value(Some(at)))
            .col_expr(promotion::Column::Comment, Expr::value(note))
            .filter(promotion::Column::Id.eq(current.id.as_str()))
            .filter(promotion::Column::State.eq("pending"))
    };
    let comment = (!comment.is_empty()).then(|| comment.to_string());

    if !approve {
        let done = close("rejected", comment).exec(&txn).await?;
        if done.rows_affected != 1 {
            return Err(AppError::conflict(
                "someone decided this request a moment ago; nothing changed",
            ));
        }
        let after = promotion::Entity::find_by_id(current.id.as_str())
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        record(
            &txn,
            &user.tenant_id,
            &AuditActor::of(actor),
            Change::updated("promotion.rejected", &current, &after),
        )
        .await?;
        txn.commit().await?;
        return Ok(());
    }

    if before_persona.stage != current.from_stage {
        return Err(AppError::conflict(format!(
            "{} is no longer at stage {}: this request no longer applies. Ask again from its current stage.",
            before_persona.name, current.from_stage
        )));
    }
    // The gates again, as they are now.
    let to = u8::try_from(current.to_stage).unwrap_or(2);
    let target = limits::of(&limits::load(&txn, &current.space_id).await?, to);
    let facts = gates::facts(
        &txn,
        &before_persona,
        parse_attestations(&current.attestations),
        at,
    )
    .await?;
    let checked = gates::evaluate(&facts, &target, at);
    if !gates::all_pass(&checked) {
        return Err(AppError::conflict(format!(
            "a gate fails, so this cannot be approved yet: {}",
            gates::failing(&checked)
        )));
    }
    let now_basis = basis_for(
        &current,
        &exposure::fingerprint(&txn, &current.persona_id).await?,
        &target,
    );
    let given = promotion_approval::Entity::find()
        .filter(promotion_approval::Column::PromotionId.eq(current.id.as_str()))
        .all(&txn)
        .await?;
    if given
        .iter()
        .any(|a| a.user_id == me && void_reason(&a.basis, &now_basis).is_none())
    {
        return Err(AppError::conflict(
            "you already approved this request; it needs another reviewer",
        ));
    }
    // A void approval of mine is replaced by this one.
    promotion_approval::Entity::delete_many()
        .filter(promotion_approval::Column::PromotionId.eq(current.id.as_str()))
        .filter(promotion_approval::Column::UserId.eq(me.as_str()))
        .exec(&txn)
        .await?;
    let approval = promotion_approval::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        promotion_id: Set(current.id.clone()),
        user_id: Set(me.clone()),
        approved_at: Set(at),
        comment: Set(comment.clone()),
        basis: Set(now_basis.clone()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("promotion.approval_given", &approval),
    )
    .await?;
    let counting = 1 + given
        .iter()
        .filter(|a| a.user_id != me && void_reason(&a.basis, &now_basis).is_none())
        .count();
    if counting < usize::from(target.approvals_required) {
        txn.commit().await?;
        return Ok(());
    }
    let done = close("approved", comment).exec(&txn).await?;
    if done.rows_affected != 1 {
        return Err(AppError::conflict(
            "someone decided this request a moment ago; nothing changed",
        ));
    }
    let after = promotion::Entity::find_by_id(current.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::updated("promotion.approved", &current, &after),
    )
    .await?;
    stage::set_stage(
        &txn,
        actor,
        &user.tenant_id,
        &before_persona,
        to,
        "persona.promoted",
        Some(current.id.as_str()),
    )
    .await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&current.space_id))
        .await
}
