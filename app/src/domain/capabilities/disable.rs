//! Disabling a capability in a space: first show which grants it would end, then end them
//! with the capability in one transaction and one audit entry.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::AppError;
use crate::domain::audit::{AuditActor, Audited, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{capability, grant, persona};
use crate::domain::runtime::changes;
use crate::domain::spaces::space_for;
use crate::domain::{Actor, Ctx, db};
use crate::types::{Access, AffectedGrant, CapabilityId, DisableImpact, SpaceId, TenantId};

async fn affected(
    db: &impl ConnectionTrait,
    capability_id: &str,
) -> Result<Vec<(grant::Model, String)>, AppError> {
    let grants = grant::Entity::find()
        .filter(grant::Column::CapabilityId.eq(capability_id))
        .order_by_asc(grant::Column::CreatedAt)
        .all(db)
        .await?;
    let personas = persona::Entity::find()
        .filter(persona::Column::Id.is_in(grants.iter().map(|g| g.persona_id.as_str())))
        .all(db)
        .await?;
    Ok(grants
        .into_iter()
        .map(|g| {
            let name = personas
                .iter()
                .find(|p| p.id == g.persona_id)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            (g, name)
        })
        .collect())
}

async fn find_capability(
    db: &impl ConnectionTrait,
    space_id: &SpaceId,
    capability_id: &CapabilityId,
) -> Result<capability::Model, AppError> {
    capability::Entity::find_by_id(capability_id.as_str())
        .filter(capability::Column::SpaceId.eq(space_id.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn get_disable_impact(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    capability_id: &CapabilityId,
) -> Result<DisableImpact, AppError> {
    space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let cap = find_capability(&ctx.db, space_id, capability_id).await?;
    Ok(DisableImpact {
        capability_name: cap.name,
        grants: affected(&ctx.db, capability_id.as_str())
            .await?
            .into_iter()
            .map(|(g, persona_name)| AffectedGrant {
                persona_name,
                action_name: (!g.action_name.is_empty()).then_some(g.action_name),
                access: Access::parse(&g.access).unwrap_or(Access::Denied),
            })
            .collect(),
    })
}

/// `seen_grants` is how many grants the confirmation showed: if more were added since,
/// the operator is asked to look again rather than end grants they never saw.
pub async fn disable_capability(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    capability_id: &CapabilityId,
    seen_grants: usize,
) -> Result<usize, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let txn = db::begin_write(&ctx.db).await?;
    let cap = find_capability(&txn, space_id, capability_id).await?;
    if !cap.enabled {
        return Err(AppError::conflict(format!(
            "{} is already disabled.",
            cap.name
        )));
    }
    let ended = affected(&txn, &cap.id).await?;
    if ended.len() != seen_grants {
        return Err(AppError::conflict(format!(
            "Disabling {} would now end {} grant(s), not {seen_grants}. Review the list again.",
            cap.name,
            ended.len()
        )));
    }
    grant::Entity::delete_many()
        .filter(grant::Column::CapabilityId.eq(cap.id.as_str()))
        .exec(&txn)
        .await?;
    let before = cap.clone();
    let mut active: capability::ActiveModel = cap.into();
    active.enabled = Set(false);
    let after = active.update(&txn).await?;
    let mut change = Change::updated("capability.disabled", &before, &after);
    if let Some(view) = change.after.as_mut() {
        view["ended_grants"] = json!(
            ended
                .iter()
                .map(|(g, persona)| {
                    let mut v = g.audit_view();
                    v["persona_name"] = json!(persona);
                    v
                })
                .collect::<Vec<_>>()
        );
    }
    record(
        &txn,
        &TenantId::from_db(scope.space.tenant_id),
        &AuditActor::of(actor),
        change,
    )
    .await?;
    changes::policy_changed(&txn, space_id.as_str(), None).await?;
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await?;
    Ok(ended.len())
}
