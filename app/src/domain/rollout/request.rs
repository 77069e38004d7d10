//! Asking for a promotion (one stage up), editing the request, and an owner's
//! break-glass promotion. A request is accepted even while a gate fails (the queue shows
//! which and why); approval is what the gates block.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{MAX_STATEMENT, gates, limits, stage, store_attestations};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{persona, promotion};
use crate::domain::personas::persona_for;
use crate::domain::validate::{check_text, required_reason};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{AttestationView, PersonaId, PromotionId, TenantId, stage_name};

/// The statements for the target stage's prompts, each required.
fn attestations(
    prompts: &[String],
    statements: &[String],
) -> Result<Vec<AttestationView>, AppError> {
    prompts
        .iter()
        .enumerate()
        .map(|(i, prompt)| {
            let field = format!("attestation_{i}");
            let statement = check_text(
                &field,
                statements.get(i).map_or("", String::as_str),
                MAX_STATEMENT,
            )?;
            if statement.is_empty() {
                return Err(AppError::invalid(
                    field,
                    format!("write a short statement for: {prompt}"),
                ));
            }
            Ok(AttestationView {
                prompt: prompt.clone(),
                statement,
            })
        })
        .collect()
}

fn next_stage(p: &persona::Model) -> Result<u8, AppError> {
    let stage = u8::try_from(p.stage).unwrap_or(1);
    if stage >= 4 {
        return Err(AppError::invalid(
            "stage",
            format!(
                "{} is already at stage 4 · Deep embedding: there is no further stage",
                p.name
            ),
        ));
    }
    Ok(stage + 1)
}

/// Opens a promotion request for the persona's next stage in the review queue.
pub async fn request_promotion(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    reason: &str,
    statements: &[String],
) -> Result<PromotionId, AppError> {
    let Actor::Console(user) = actor;
    let found = persona_for(ctx, actor, persona_id, Action::ChangeStage).await?;
    let to = next_stage(&found.persona)?;
    let reason = required_reason(
        reason,
        "say why this persona is ready for the next stage: reviewers decide on it",
    )?;
    let target = limits::of(&limits::load(&ctx.db, &found.persona.space_id).await?, to);
    let attested = attestations(&target.attestations, statements)?;

    let txn = db::begin_write(&ctx.db).await?;
    let waiting = promotion::Entity::find()
        .filter(promotion::Column::PersonaId.eq(persona_id.as_str()))
        .filter(promotion::Column::State.eq("pending"))
        .one(&txn)
        .await?;
    if waiting.is_some() {
        return Err(AppError::conflict(format!(
            "a promotion request for {} already waits in the review queue; edit that one instead",
            found.persona.name
        )));
    }
    let current = persona::Entity::find_by_id(persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.stage != found.persona.stage {
        return Err(AppError::conflict(
            "the persona's stage changed a moment ago; reload and ask again",
        ));
    }
    let mut row = stage::change_row(user, &current, to, reason, "pending", None);
    row.attestations = Set(store_attestations(&attested));
    let row = row.insert(&txn).await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("promotion.requested", &row),
    )
    .await?;
    txn.commit().await?;
    Ok(PromotionId::from_db(row.id))
}

/// The requester changes the reason or the attestations. Approvals given before stop
/// counting (the request's version is part of what they were given against).
pub async fn edit_request(
    ctx: &Ctx,
    actor: &Actor,
    promotion_id: &str,
    reason: &str,
    statements: &[String],
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let request = promotion::Entity::find_by_id(promotion_id)
        .filter(promotion::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    persona_for(
        ctx,
        actor,
        &PersonaId::from_db(request.persona_id.clone()),
        Action::ChangeStage,
    )
    .await?;
    if request.requested_by != user.user_id.as_str() {
        return Err(AppError::conflict(
            "only whoever asked may edit this request; reviewers can reject it with a comment",
        ));
    }
    if request.state != "pending" {
        return Err(AppError::conflict(format!(
            "this request was already {}; nothing changed",
            request.state
        )));
    }
    let reason = required_reason(reason, "say why this persona is ready for the next stage")?;
    let to = u8::try_from(request.to_stage).unwrap_or(2);
    let target = limits::of(&limits::load(&ctx.db, &request.space_id).await?, to);
    let attested = attestations(&target.attestations, statements)?;
    let txn = db::begin_write(&ctx.db).await?;
    let updated = promotion::Entity::update_many()
        .col_expr(promotion::Column::Reason, Expr::value(reason))
        .col_expr(
            promotion::Column::Attestations,
            Expr::value(store_attestations(&attested)),
        )
        .col_expr(promotion::Column::Version, Expr::value(request.version + 1))
        .filter(promotion::Column::Id.eq(request.id.as_str()))
        .filter(promotion::Column::Version.eq(request.version))
        .filter(promotion::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(
            "this request changed a moment ago; reload and try again",
        ));
    }
    let after = promotion::Entity::find_by_id(request.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::updated("promotion.edited", &request, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An owner promotes at once, without approvals, with a written reason. The gates are
/// still checked and what failed is kept with the record; the audit log and the persona
/// page flag it.
pub async fn break_glass(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    reason: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let found = persona_for(ctx, actor, persona_id, Action::BreakGlass).await?;
    let to = next_stage(&found.persona)?;
    let reason = required_reason(
        reason,
        "say why this cannot wait for reviewers: the audit log and the persona page will show it",
    )?;
    let at = now();
    let target = limits::of(&limits::load(&ctx.db, &found.persona.space_id).await?, to);
    let facts = gates::facts(&ctx.db, &found.persona, Vec::new(), at).await?;
    let checked = gates::evaluate(&facts, &target, at);
    let note = if gates::all_pass(&checked) {
        "Every gate passed at the time.".to_string()
    } else {
        format!("Gates failing at the time: {}", gates::failing(&checked))
    };

    let txn = db::begin_write(&ctx.db).await?;
    let before = persona::Entity::find_by_id(persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.stage != found.persona.stage {
        return Err(AppError::conflict(
            "the persona's stage changed a moment ago; reload and try again",
        ));
    }
    let row = stage::change_row(user, &before, to, reason, "break_glass", Some(note))
        .insert(&txn)
        .await?;
    let tenant = TenantId::from_db(user.tenant_id.to_string());
    record(
        &txn,
        &tenant,
        &AuditActor::of(actor),
        Change::created("promotion.break_glass", &row),
    )
    .await?;
    stage::set_stage(
        &txn,
        actor,
        &tenant,
        &before,
        to,
        "persona.promoted_break_glass",
        None,
    )
    .await?;
    tracing::warn!(persona = %before.id, to, stage = stage_name(to), "break-glass promotion");
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&before.space_id))
        .await
}
