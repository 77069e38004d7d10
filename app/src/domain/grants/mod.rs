//! Grants: persona × capability (× action) × access × environments × minimum stage.
//! Edits carry the version they were made against; a stale one is a conflict, never a
//! silent overwrite.

pub mod rules;
pub mod stored;

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

use self::rules::{GrantFacts, GrantInput, check_grant};
use super::audit::{AuditActor, Change, record};
use super::authz::{Action, Scope, authorize};
use super::entities::{capability, capability_action, grant};
use super::personas::persona_for;
use super::runtime::changes;
use super::spaces::environment_names;
use super::{Actor, Ctx, db, now};
use crate::AppError;
use crate::types::{CapabilityId, GrantId, PersonaId, TenantId};

pub struct SetGrant<'a> {
    pub capability_id: &'a str,
    pub action: &'a str,
    pub access: &'a str,
    pub environments: &'a [String],
    pub min_stage: &'a str,
    pub reason: &'a str,
    /// The version the edit was made against; `None` creates a new grant.
    pub version: Option<i32>,
}

const STALE: &str =
    "Someone changed this grant after you opened it. Reload to see their change, then try again.";

pub async fn set_grant(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    input: SetGrant<'_>,
) -> Result<GrantId, AppError> {
    let found = persona_for(ctx, actor, persona_id, Action::EditSpace).await?;
    let space = &found.scope.space;
    let tenant = TenantId::from_db(space.tenant_id.clone());
    let may_lower_risk = authorize(
        actor,
        Action::LowerRiskyGrant,
        Scope::Space {
            access: &found.scope.access,
            tenant: &tenant,
            space: &crate::types::SpaceId::from_db(space.id.clone()),
        },
    )
    .is_ok();
    let not_enabled = || AppError::invalid("capability", "is not enabled in this space");
    let capability_id: CapabilityId = input
        .capability_id
        .trim()
        .parse()
        .map_err(|_| not_enabled())?;

    let txn = db::begin_write(&ctx.db).await?;
    let capability = capability::Entity::find_by_id(capability_id.as_str())
        .filter(capability::Column::SpaceId.eq(space.id.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(not_enabled)?;
    let actions = capability_action::Entity::find()
        .filter(capability_action::Column::CapabilityId.eq(capability.id.as_str()))
        .all(&txn)
        .await?;
    let space_environments = environment_names(&txn, &space.id).await?;
    let checked = check_grant(
        &GrantInput {
            action: input.action,
            access: input.access,
            environments: input.environments,
            min_stage: input.min_stage,
            reason: input.reason,
        },
        &GrantFacts {
            capability: &capability,
            actions: &actions,
            space_environments: &space_environments,
            may_lower_risk,
        },
    )?;
    let environments =
        serde_json::to_string(&checked.environments).map_err(|_| AppError::Internal)?;
    let existing = grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(persona_id.as_str()))
        .filter(grant::Column::CapabilityId.eq(capability.id.as_str()))
        .filter(grant::Column::ActionName.eq(checked.action_name.as_str()))
        .one(&txn)
        .await?;
    let at = now();
    let (id, change) = match (existing, input.version) {
        (None, None) => {
            let id = GrantId::new();
            let created = grant::ActiveModel {
                id: Set(id.to_string()),
                persona_id: Set(persona_id.to_string()),
                capability_id: Set(capability.id.clone()),
                action_name: Set(checked.action_name),
                access: Set(checked.access.as_str().into()),
                environments: Set(environments),
                min_stage: Set(checked.min_stage),
                reason: Set(checked.reason),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(&txn)
            .await?;
            (id, Change::created("grant.created", &created))
        }
        (Some(_), None) => {
            return Err(AppError::conflict(
                "This persona already has a grant for that capability and action. Edit it instead.",
            ));
        }
        (None, Some(_)) => return Err(AppError::conflict(STALE)),
        (Some(before), Some(version)) => {
            if before.version != version {
                return Err(AppError::conflict(STALE));
            }
            // The version check is repeated in the UPDATE itself, so two writers racing
            // past the read above still cannot both win.
            let updated = grant::Entity::update_many()
                .col_expr(grant::Column::Access, Expr::value(checked.access.as_str()))
                .col_expr(grant::Column::Environments, Expr::value(environments))
                .col_expr(grant::Column::MinStage, Expr::value(checked.min_stage))
                .col_expr(grant::Column::Reason, Expr::value(checked.reason))
                .col_expr(grant::Column::Version, Expr::value(version + 1))
                .col_expr(grant::Column::UpdatedAt, Expr::value(at))
                .filter(grant::Column::Id.eq(before.id.as_str()))
                .filter(grant::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if updated.rows_affected != 1 {
                return Err(AppError::conflict(STALE));
            }
            let after = grant::Entity::find_by_id(before.id.as_str())
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            (
                GrantId::from_db(after.id.clone()),
                Change::updated("grant.updated", &before, &after),
            )
        }
    };
    record(&txn, &tenant, &AuditActor::of(actor), change).await?;
    changes::policy_changed(&txn, &space.id, Some(persona_id.as_str())).await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&space.id))
        .await?;
    Ok(id)
}

pub async fn remove_grant(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    grant_id: &GrantId,
    version: i32,
) -> Result<(), AppError> {
    let found = persona_for(ctx, actor, persona_id, Action::EditSpace).await?;
    let tenant = TenantId::from_db(found.scope.space.tenant_id.clone());
    let txn = db::begin_write(&ctx.db).await?;
    let before = grant::Entity::find_by_id(grant_id.as_str())
        .filter(grant::Column::PersonaId.eq(persona_id.as_str()))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let removed = grant::Entity::delete_many()
        .filter(grant::Column::Id.eq(before.id.as_str()))
        .filter(grant::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if removed.rows_affected != 1 {
        return Err(AppError::conflict(STALE));
    }
    record(
        &txn,
        &tenant,
        &AuditActor::of(actor),
        Change::deleted("grant.removed", &before),
    )
    .await?;
    let space_id = &found.scope.space.id;
    changes::policy_changed(&txn, space_id, Some(persona_id.as_str())).await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(space_id))
        .await?;
    Ok(())
}
