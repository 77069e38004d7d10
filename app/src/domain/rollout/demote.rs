//! Demotion: immediate, by an operator or above, with a reason. It takes the same path
//! to the runtime as a kill-switch (commit, snapshot dropped, `policy_changed` on every
//! stream), so grants above the new stage stop at once.

use sea_orm::{ActiveModelTrait, EntityTrait};

use super::stage;
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::persona;
use crate::domain::personas::persona_for;
use crate::domain::validate::required_reason;
use crate::domain::{Actor, Ctx, db};
use crate::types::PersonaId;

pub async fn demote(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    to: u8,
    reason: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let found = persona_for(ctx, actor, persona_id, Action::ChangeStage).await?;
    let current = u8::try_from(found.persona.stage).unwrap_or(1);
    if to < 1 || to >= current {
        return Err(AppError::invalid(
            "to_stage",
            if current == 1 {
                format!(
                    "{} is at stage 1 · Pilot, the lowest stage",
                    found.persona.name
                )
            } else {
                format!("choose a stage from 1 to {}", current - 1)
            },
        ));
    }
    let reason = required_reason(
        reason,
        "say why: the persona's owner and the reviewers will read it",
    )?;
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
    let row = stage::change_row(user, &before, to, reason, "demoted", None)
        .insert(&txn)
        .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("promotion.demoted", &row),
    )
    .await?;
    stage::set_stage(
        &txn,
        actor,
        &user.tenant_id,
        &before,
        to,
        "persona.demoted",
        None,
    )
    .await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&before.space_id))
        .await
}
