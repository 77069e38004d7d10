//! Releasing an engaged switch: a request decided in the review queue by someone other
//! than the person who engaged it (and who asked), or, by an owner, at once with a
//! written reason ("break glass", flagged in the audit log).

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{kill_switch, switch_release};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{ApprovalId, TenantId};

async fn engaged_switch(
    ctx: &Ctx,
    actor: &Actor,
    switch_id: &str,
) -> Result<kill_switch::Model, AppError> {
    let Actor::Console(user) = actor;
    kill_switch::Entity::find_by_id(switch_id)
        .filter(kill_switch::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Asks for a release: one waiting request per switch. Operators and above.
pub async fn request_release(
    ctx: &Ctx,
    actor: &Actor,
    switch_id: &str,
    reason: &str,
) -> Result<String, AppError> {
    let Actor::Console(user) = actor;
    let reason = super::reason(
        reason,
        "say why it is safe to let the runtimes go again: the reviewer decides on this",
    )?;
    let switch = engaged_switch(ctx, actor, switch_id).await?;
    super::reach(
        ctx,
        actor,
        switch.space_id.as_deref(),
        Action::EngageKillSwitch,
    )
    .await?;
    if !switch.engaged {
        return Err(AppError::conflict(
            "this switch is not engaged; there is nothing to release",
        ));
    }
    let txn = db::begin_write(&ctx.db).await?;
    let waiting = switch_release::Entity::find()
        .filter(switch_release::Column::SwitchId.eq(switch.id.as_str()))
        .filter(switch_release::Column::State.eq("pending"))
        .one(&txn)
        .await?;
    if waiting.is_some() {
        return Err(AppError::conflict(
            "a release of this switch is already waiting in the review queue",
        ));
    }
    let created = switch_release::ActiveModel {
        id: Set(ApprovalId::new().to_string()),
        tenant_id: Set(switch.tenant_id.clone()),
        space_id: Set(switch.space_id.clone()),
        switch_id: Set(switch.id.clone()),
        requested_by: Set(user.user_id.to_string()),
        requested_at: Set(now()),
        reason: Set(reason.to_string()),
        state: Set("pending".into()),
        decided_by: Set(None),
        decided_at: Set(None),
        comment: Set(None),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("kill_switch.release_requested", &created),
    )
    .await?;
    txn.commit().await?;
    Ok(created.id)
}

/// Turns the switch off inside `txn`, audited as `action`, with a `kill_switch` event
/// (engaged: false) for every affected space. The caller commits through the runtime.
pub(crate) async fn set_released(
    txn: &DatabaseTransaction,
    actor: &Actor,
    switch: &kill_switch::Model,
    spaces: &[String],
    action: &str,
    reason: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let updated = kill_switch::Entity::update_many()
        .col_expr(kill_switch::Column::Engaged, Expr::value(false))
        .col_expr(
            kill_switch::Column::ReleasedBy,
            Expr::value(Some(user.user_id.to_string())),
        )
        .col_expr(kill_switch::Column::ReleasedAt, Expr::value(Some(now())))
        .filter(kill_switch::Column::Id.eq(switch.id.as_str()))
        .filter(kill_switch::Column::Engaged.eq(true))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict("this switch was released a moment ago"));
    }
    let after = kill_switch::Entity::find_by_id(switch.id.as_str())
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        txn,
        &TenantId::from_db(switch.tenant_id.clone()),
        &AuditActor::of(actor),
        Change::updated(action, switch, &after),
    )
    .await?;
    super::announce(
        txn,
        spaces,
        (&switch.scope, &switch.scope_id),
        false,
        reason,
    )
    .await?;
    Ok(())
}

/// Break glass: an owner releases at once, with a written reason; any waiting release
/// request closes with it. Flagged as `kill_switch.released_break_glass` in the audit log.
pub async fn release_now(
    ctx: &Ctx,
    actor: &Actor,
    switch_id: &str,
    reason: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let reason = super::reason(
        reason,
        "breaking the glass needs a written reason: it is kept in the audit log",
    )?;
    let switch = engaged_switch(ctx, actor, switch_id).await?;
    let spaces = super::reach(ctx, actor, switch.space_id.as_deref(), Action::BreakGlass).await?;
    if !switch.engaged {
        return Err(AppError::conflict(
            "this switch is not engaged; there is nothing to release",
        ));
    }
    let _one_at_a_time = ctx.runtime.switching.lock().await;
    let txn = db::begin_write(&ctx.db).await?;
    set_released(
        &txn,
        actor,
        &switch,
        &spaces,
        "kill_switch.released_break_glass",
        &reason,
    )
    .await?;
    switch_release::Entity::update_many()
        .col_expr(switch_release::Column::State, Expr::value("approved"))
        .col_expr(
            switch_release::Column::DecidedBy,
            Expr::value(Some(user.user_id.to_string())),
        )
        .col_expr(switch_release::Column::DecidedAt, Expr::value(Some(now())))
        .col_expr(
            switch_release::Column::Comment,
            Expr::value(Some(format!("Released at once (break glass): {reason}"))),
        )
        .filter(switch_release::Column::SwitchId.eq(switch.id.as_str()))
        .filter(switch_release::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    ctx.runtime.commit(&ctx.db, txn, &spaces).await
}

/// The release rule: decided by someone other than whoever engaged the switch and
/// whoever asked for its release.
pub fn is_second_person(
    switch: &kill_switch::Model,
    request: &switch_release::Model,
    me: &str,
) -> bool {
    switch.engaged_by.as_deref() != Some(me) && request.requested_by != me
}

/// A reviewer's verdict on a release request (from the review queue). Approving turns
/// the switch off; either way the request closes.
pub(crate) async fn decide_release(
    ctx: &Ctx,
    actor: &Actor,
    request: &switch_release::Model,
    approve: bool,
    comment: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let switch = kill_switch::Entity::find_by_id(request.switch_id.as_str())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let spaces = super::reach(ctx, actor, switch.space_id.as_deref(), Action::DecideReview).await?;
    let me = user.user_id.as_str();
    if !is_second_person(&switch, request, me) {
        return Err(AppError::conflict(
            "you engaged this switch or asked for its release: a second person must decide. \
             An owner can release it at once with a written reason (break glass).",
        ));
    }
    let _one_at_a_time = ctx.runtime.switching.lock().await;
    let txn = db::begin_write(&ctx.db).await?;
    let state = if approve { "approved" } else { "rejected" };
    let updated = switch_release::Entity::update_many()
        .col_expr(switch_release::Column::State, Expr::value(state))
        .col_expr(
            switch_release::Column::DecidedBy,
            Expr::value(Some(me.to_string())),
        )
        .col_expr(switch_release::Column::DecidedAt, Expr::value(Some(now())))
        .col_expr(
            switch_release::Column::Comment,
            Expr::value((!comment.is_empty()).then(|| comment.to_string())),
        )
        .filter(switch_release::Column::Id.eq(request.id.as_str()))
        .filter(switch_release::Column::State.eq("pending"))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::conflict(
            "this request was decided a moment ago; nothing changed",
        ));
    }
    let after = switch_release::Entity::find_by_id(request.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &TenantId::from_db(request.tenant_id.clone()),
        &AuditActor::of(actor),
        Change::updated(
            if approve {
                "kill_switch.release_approved"
            } else {
                "kill_switch.release_rejected"
            },
            request,
            &after,
        ),
    )
    .await?;
    if approve {
        // Refuses (and rolls the decision back) if the switch was released meanwhile.
        set_released(
            &txn,
            actor,
            &switch,
            &spaces,
            "kill_switch.released",
            &request.reason,
        )
        .await?;
        ctx.runtime.commit(&ctx.db, txn, &spaces).await
    } else {
        txn.commit().await?;
        Ok(())
    }
}
