//! Approving or rejecting an item. For a runtime action, the decision, its audit entry
//! and the `approval_decided` stream event commit together; the runtime hears it on the
//! stream and reads it from `GET approvals/{id}`. A kill-switch release is decided by
//! the kill-switch service (a second person; approving turns the switch off), a stage
//! promotion by the rollout service (gates, approvals that count, then the stage).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::MAX_COMMENT;
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{approval, promotion, switch_release};
use crate::domain::killswitch::release::decide_release;
use crate::domain::rollout::decide_promotion;
use crate::domain::runtime::approvals::state_at;
use crate::domain::runtime::changes;
use crate::domain::spaces::space_for;
use crate::domain::validate::check_text;
use crate::domain::{Actor, Ctx, db, now, rfc3339};
use crate::types::{ReviewDecision, SpaceId, TenantId};

/// Approves or rejects one waiting item. A rejection needs a comment; an item already
/// decided, or expired, is a conflict and stays as it was.
pub async fn decide(ctx: &Ctx, actor: &Actor, decision: &ReviewDecision) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let state = match decision.verdict.as_str() {
        "approve" => "approved",
        "reject" => "rejected",
        _ => return Err(AppError::invalid("verdict", "must be approve or reject")),
    };
    let comment = check_text("comment", &decision.comment, MAX_COMMENT)?;
    let comment = comment.as_str();
    if state == "rejected" && comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "say why you reject it: the operators and the runtime's owner will read this",
        ));
    }
    // Another tenant's item, or one in a space outside the member's teams, is not found.
    let Some(found) = approval::Entity::find_by_id(decision.item_id.as_str())
        .filter(approval::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
    else {
        let Some(release) = switch_release::Entity::find_by_id(decision.item_id.as_str())
            .filter(switch_release::Column::TenantId.eq(user.tenant_id.as_str()))
            .one(&ctx.db)
            .await?
        else {
            let request = promotion::Entity::find_by_id(decision.item_id.as_str())
                .filter(promotion::Column::TenantId.eq(user.tenant_id.as_str()))
                .one(&ctx.db)
                .await?
                .ok_or(AppError::NotFound)?;
            return decide_promotion(ctx, actor, &request, state == "approved", comment).await;
        };
        if release.state != "pending" {
            // Checked after the member's reach, so a stranger learns nothing.
            crate::domain::killswitch::reach(
                ctx,
                actor,
                release.space_id.as_deref(),
                Action::DecideReview,
            )
            .await?;
            return Err(AppError::conflict(format!(
                "this request was already {}; nothing changed",
                release.state
            )));
        }
        return decide_release(ctx, actor, &release, state == "approved", comment).await;
    };
    space_for(
        ctx,
        actor,
        &SpaceId::from_db(found.space_id.clone()),
        Action::DecideReview,
    )
    .await?;

    let txn = db::begin_write(&ctx.db).await?;
    let at = now();
    let before = approval::Entity::find_by_id(found.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    match state_at(&before, at) {
        "pending" => {}
        "expired" => {
            return Err(AppError::conflict(format!(
                "this request expired at {} without a decision: the runtime was told no, and may ask again",
                rfc3339(before.expires_at)
            )));
        }
        other => {
            return Err(AppError::conflict(format!(
                "this request was already {other}; nothing changed"
            )));
        }
    }
    // Conditional on still pending, so two reviewers deciding at once cannot both win.
    let updated = approval::Entity::update_many()
        .col_expr(approval::Column::State, Expr::value(state))
        .col_expr(
            approval::Column::DecidedBy,
            Expr::value(Some(user.user_id.to_string())),
        )
        .col_expr(approval::Column::DecidedAt, Expr::value(Some(at)))
        .col_expr(
            approval::Column::Comment,
            Expr::value((!comment.is_empty()).then(|| comment.to_string())),
        )
        .filter(approval::Column::Id.eq(before.id.as_str()))
        .filter(approval::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(
            "someone decided this request a moment ago; nothing changed",
        ));
    }
    let after = approval::Entity::find_by_id(before.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &TenantId::from_db(before.tenant_id.clone()),
        &AuditActor::of(actor),
        Change::updated(
            if state == "approved" {
                "approval.approved"
            } else {
                "approval.rejected"
            },
            &before,
            &after,
        ),
    )
    .await?;
    changes::approval_decided(&txn, &before.space_id, &before.id, state).await?;
    txn.commit().await?;
    if let Err(e) = ctx.runtime.hub.pump(&ctx.db, &before.space_id).await {
        // Committed all the same; streams catch up on the next change or replay.
        tracing::warn!(error = %e, "could not broadcast a decided approval");
    }
    Ok(())
}
