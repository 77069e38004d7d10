use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{app, capability, kill_switch, persona};
use crate::domain::runtime::snapshot::SwitchScope;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{KillSwitchId, TenantId};

/// What to stop: a level and the id of the thing at that level.
#[derive(Debug, Clone)]
pub struct SwitchTarget {
    pub scope: SwitchScope,
    pub id: String,
}

/// The space a target lies in (`None` for the tenant), found inside the actor's tenant.
pub(crate) async fn space_of(
    ctx: &Ctx,
    tenant: &TenantId,
    target: &SwitchTarget,
) -> Result<Option<String>, AppError> {
    let space_id = match target.scope {
        SwitchScope::Tenant => {
            return if target.id == tenant.as_str() {
                Ok(None)
            } else {
                Err(AppError::NotFound)
            };
        }
        SwitchScope::Space => Some(target.id.clone()),
        SwitchScope::App => app::Entity::find_by_id(target.id.as_str())
            .one(&ctx.db)
            .await?
            .map(|a| a.space_id),
        SwitchScope::Persona => persona::Entity::find_by_id(target.id.as_str())
            .one(&ctx.db)
            .await?
            .map(|p| p.space_id),
        SwitchScope::Capability => capability::Entity::find_by_id(target.id.as_str())
            .one(&ctx.db)
            .await?
            .map(|c| c.space_id),
    };
    space_id.map(Some).ok_or(AppError::NotFound)
}

/// Engages the switch (creating it on first use). Engaging an engaged switch keeps its
/// first reason and changes nothing.
pub async fn engage(
    ctx: &Ctx,
    actor: &Actor,
    target: &SwitchTarget,
    reason: &str,
) -> Result<KillSwitchId, AppError> {
    let Actor::Console(user) = actor;
    let reason = super::reason(
        reason,
        "say why you are stopping it: the people who release it will read this",
    )?;
    let tenant = user.tenant_id.clone();
    let space_id = space_of(ctx, &tenant, target).await?;
    let spaces = super::reach(ctx, actor, space_id.as_deref(), Action::EngageKillSwitch).await?;
    let by = Engager {
        tenant,
        audit: AuditActor::of(actor),
        user_id: Some(user.user_id.to_string()),
    };
    engage_as(ctx, &by, target, space_id, &spaces, &reason).await
}

/// Who engages: a member, or a trigger URL (no person: the audit entry says so).
pub(crate) struct Engager {
    pub tenant: TenantId,
    pub audit: AuditActor,
    pub user_id: Option<String>,
}

/// Engages an authorized target: `spaces` are the spaces whose runtimes it affects.
pub(crate) async fn engage_as(
    ctx: &Ctx,
    by: &Engager,
    target: &SwitchTarget,
    space_id: Option<String>,
    spaces: &[String],
    reason: &str,
) -> Result<KillSwitchId, AppError> {
    let tenant = &by.tenant;
    // One switch change at a time: a drill in flight must not release a real stop.
    let _one_at_a_time = ctx.runtime.switching.lock().await;
    let txn = db::begin_write(&ctx.db).await?;
    let existing = kill_switch::Entity::find()
        .filter(kill_switch::Column::Scope.eq(target.scope.as_str()))
        .filter(kill_switch::Column::ScopeId.eq(target.id.as_str()))
        .one(&txn)
        .await?;
    if let Some(s) = existing.as_ref().filter(|s| s.engaged) {
        return Ok(KillSwitchId::from_db(s.id.clone()));
    }
    let at = now();
    let engaged = match existing {
        Some(before) => {
            let mut row: kill_switch::ActiveModel = before.clone().into();
            row.engaged = Set(true);
            row.reason = Set(reason.to_string());
            row.engaged_by = Set(by.user_id.clone());
            row.engaged_at = Set(Some(at));
            row.released_by = Set(None);
            row.released_at = Set(None);
            let after = row.update(&txn).await?;
            record(
                &txn,
                tenant,
                &by.audit,
                Change::updated("kill_switch.engaged", &before, &after),
            )
            .await?;
            after
        }
        None => {
            let created = kill_switch::ActiveModel {
                id: Set(KillSwitchId::new().to_string()),
                tenant_id: Set(tenant.to_string()),
                space_id: Set(space_id.clone()),
                scope: Set(target.scope.as_str().into()),
                scope_id: Set(target.id.clone()),
                engaged: Set(true),
                reason: Set(reason.to_string()),
                engaged_by: Set(by.user_id.clone()),
                engaged_at: Set(Some(at)),
                released_by: Set(None),
                released_at: Set(None),
                last_drill_at: Set(None),
                last_drill_by: Set(None),
                last_drill_ms: Set(None),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                tenant,
                &by.audit,
                Change::created("kill_switch.engaged", &created),
            )
            .await?;
            created
        }
    };
    super::announce(
        &txn,
        spaces,
        (target.scope.as_str(), &target.id),
        true,
        reason,
    )
    .await?;
    ctx.runtime.commit(&ctx.db, txn, spaces).await?;
    Ok(KillSwitchId::from_db(engaged.id))
}
