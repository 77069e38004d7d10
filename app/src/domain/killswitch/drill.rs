//! A drill: engage and release a switch in one audited step, so operators practise the
//! path and the console measures it. Connected runtimes see both `kill_switch` events,
//! and decisions in between are denied, exactly as in a real stop.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::time::Instant;

use super::engage::{SwitchTarget, space_of};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::kill_switch;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::KillSwitchId;

/// What a drill measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drilled {
    /// Milliseconds from the engage starting to its event being handed to every stream.
    pub propagation_ms: i64,
}

pub async fn drill(
    ctx: &Ctx,
    actor: &Actor,
    target: &SwitchTarget,
) -> Result<(KillSwitchId, Drilled), AppError> {
    let Actor::Console(user) = actor;
    let space_id = space_of(ctx, &user.tenant_id, target).await?;
    let spaces = super::reach(ctx, actor, space_id.as_deref(), Action::EngageKillSwitch).await?;
    let reason = format!("Drill by {}", user.display_name);

    // Both steps under the switch lock: an operator's real stop waits for the drill to
    // finish rather than being released by it.
    let _one_at_a_time = ctx.runtime.switching.lock().await;
    // Engage: the same commit path as a real stop, timed until every stream has it.
    let started = Instant::now();
    let txn = db::begin_write(&ctx.db).await?;
    let existing = kill_switch::Entity::find()
        .filter(kill_switch::Column::Scope.eq(target.scope.as_str()))
        .filter(kill_switch::Column::ScopeId.eq(target.id.as_str()))
        .one(&txn)
        .await?;
    if existing.as_ref().is_some_and(|s| s.engaged) {
        return Err(AppError::conflict(
            "this switch is engaged for real; a drill would release it. Release it through the review queue first.",
        ));
    }
    let before = match existing {
        Some(row) => row,
        None => {
            kill_switch::ActiveModel {
                id: Set(KillSwitchId::new().to_string()),
                tenant_id: Set(user.tenant_id.to_string()),
                space_id: Set(space_id.clone()),
                scope: Set(target.scope.as_str().into()),
                scope_id: Set(target.id.clone()),
                engaged: Set(false),
                reason: Set(String::new()),
                engaged_by: Set(None),
                engaged_at: Set(None),
                released_by: Set(None),
                released_at: Set(None),
                last_drill_at: Set(None),
                last_drill_by: Set(None),
                last_drill_ms: Set(None),
            }
            .insert(&txn)
            .await?
        }
    };
    kill_switch::Entity::update_many()
        .col_expr(kill_switch::Column::Engaged, Expr::value(true))
        .filter(kill_switch::Column::Id.eq(before.id.as_str()))
        .exec(&txn)
        .await?;
    super::announce(
        &txn,
        &spaces,
        (target.scope.as_str(), &target.id),
        true,
        &reason,
    )
    .await?;
    ctx.runtime.commit(&ctx.db, txn, &spaces).await?;
    let propagation_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);

    // Release, recording the drill; one audit entry covers both steps.
    let txn = db::begin_write(&ctx.db).await?;
    let at = now();
    kill_switch::Entity::update_many()
        .col_expr(kill_switch::Column::Engaged, Expr::value(false))
        .col_expr(kill_switch::Column::LastDrillAt, Expr::value(Some(at)))
        .col_expr(
            kill_switch::Column::LastDrillBy,
            Expr::value(Some(user.user_id.to_string())),
        )
        .col_expr(
            kill_switch::Column::LastDrillMs,
            Expr::value(Some(propagation_ms)),
        )
        .filter(kill_switch::Column::Id.eq(before.id.as_str()))
        .exec(&txn)
        .await?;
    let after = kill_switch::Entity::find_by_id(before.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::updated("kill_switch.drilled", &before, &after),
    )
    .await?;
    super::announce(
        &txn,
        &spaces,
        (target.scope.as_str(), &target.id),
        false,
        &reason,
    )
    .await?;
    ctx.runtime.commit(&ctx.db, txn, &spaces).await?;
    Ok((KillSwitchId::from_db(after.id), Drilled { propagation_ms }))
}
