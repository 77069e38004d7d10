//! Teams: a role over chosen spaces. A member of any team reaches only their teams'
//! spaces, at the team's role (owners and admins always reach everything).

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{membership, space, team, team_member, team_space};
use crate::domain::validate::check_name;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{Role, SpaceId, TeamId, UserId};

async fn authorize_manage(ctx: &Ctx, actor: &Actor) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ManageMembers, Scope::Tenant(&access))
}

async fn team_of(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    team_id: &TeamId,
) -> Result<team::Model, AppError> {
    team::Entity::find_by_id(team_id.as_str())
        .filter(team::Column::TenantId.eq(tenant_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn create_team(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    role: &str,
) -> Result<TeamId, AppError> {
    let Actor::Console(me) = actor;
    authorize_manage(ctx, actor).await?;
    let name = check_name("name", name)?;
    let role: Role = role
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("role", "choose one of the listed roles"))?;
    if matches!(role, Role::Owner | Role::Admin) {
        return Err(AppError::invalid(
            "role",
            "owners and admins reach every space already; give a team operator, reviewer, evaluator or viewer",
        ));
    }
    let txn = db::begin_write(&ctx.db).await?;
    if team::Entity::find()
        .filter(team::Column::TenantId.eq(me.tenant_id.as_str()))
        .filter(team::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "name",
            format!("a team named “{name}” already exists"),
        ));
    }
    let id = TeamId::new();
    let created = team::ActiveModel {
        id: Set(id.to_string()),
        tenant_id: Set(me.tenant_id.to_string()),
        name: Set(name),
        role: Set(role.as_str().into()),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &me.tenant_id,
        &AuditActor::of(actor),
        Change::created("team.created", &created),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Adds (`member = true`) or removes a member of the tenant to or from a team.
pub async fn set_team_member(
    ctx: &Ctx,
    actor: &Actor,
    team_id: &TeamId,
    user_id: &UserId,
    member: bool,
) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    authorize_manage(ctx, actor).await?;
    let tenant = me.tenant_id.as_str();
    let txn = db::begin_write(&ctx.db).await?;
    let team = team_of(&txn, tenant, team_id).await?;
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant))
        .filter(membership::Column::UserId.eq(user_id.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("user", "choose a member of this tenant"))?;
    let existing = team_member::Entity::find_by_id((team.id.clone(), user_id.to_string()))
        .one(&txn)
        .await?;
    let view = json!({ "team": team.name, "user_id": user_id });
    let change = match (existing, member) {
        (None, true) => {
            team_member::ActiveModel {
                team_id: Set(team.id.clone()),
                user_id: Set(user_id.to_string()),
            }
            .insert(&txn)
            .await?;
            Change {
                action: "team.member_added",
                entity_type: "team",
                entity_id: team.id.clone(),
                before: None,
                after: Some(view),
            }
        }
        (Some(_), false) => {
            team_member::Entity::delete_by_id((team.id.clone(), user_id.to_string()))
                .exec(&txn)
                .await?;
            Change {
                action: "team.member_removed",
                entity_type: "team",
                entity_id: team.id.clone(),
                before: Some(view),
                after: None,
            }
        }
        // Already as asked: nothing changes, nothing is logged.
        _ => return Ok(()),
    };
    record(&txn, &me.tenant_id, &AuditActor::of(actor), change).await?;
    txn.commit().await?;
    Ok(())
}

/// Gives (`granted = true`) or takes away a team's access to a space.
pub async fn set_team_space(
    ctx: &Ctx,
    actor: &Actor,
    team_id: &TeamId,
    space_id: &SpaceId,
    granted: bool,
) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    authorize_manage(ctx, actor).await?;
    let tenant = me.tenant_id.as_str();
    let txn = db::begin_write(&ctx.db).await?;
    let team = team_of(&txn, tenant, team_id).await?;
    let space = space::Entity::find_by_id(space_id.as_str())
        .filter(space::Column::TenantId.eq(tenant))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("space", "choose a space of this tenant"))?;
    let existing = team_space::Entity::find_by_id((team.id.clone(), space.id.clone()))
        .one(&txn)
        .await?;
    let view = json!({ "team": team.name, "space": space.name, "space_id": space.id });
    let change = match (existing, granted) {
        (None, true) => {
            team_space::ActiveModel {
                team_id: Set(team.id.clone()),
                space_id: Set(space.id.clone()),
            }
            .insert(&txn)
            .await?;
            Change {
                action: "team.space_added",
                entity_type: "team",
                entity_id: team.id.clone(),
                before: None,
                after: Some(view),
            }
        }
        (Some(_), false) => {
            team_space::Entity::delete_by_id((team.id.clone(), space.id.clone()))
                .exec(&txn)
                .await?;
            Change {
                action: "team.space_removed",
                entity_type: "team",
                entity_id: team.id.clone(),
                before: Some(view),
                after: None,
            }
        }
        _ => return Ok(()),
    };
    record(&txn, &me.tenant_id, &AuditActor::of(actor), change).await?;
    txn.commit().await?;
    Ok(())
}
