//! Spaces: the authority boundary. Creating and reading them, their environments and
//! their apps. `space_for` is how every space-scoped service finds and authorizes its
//! space.

pub mod apps;
pub mod create;
pub mod environments;
pub mod read;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::access::{TenantAccess, tenant_access};
use super::authz::{Action, Scope, authorize};
use super::entities::{environment, space};
use super::{Actor, Ctx};
use crate::AppError;
use crate::types::{DEFAULT_ENVIRONMENTS, Role, SpaceId, TenantId};

/// A space the actor reaches, with the role they act with in it.
pub struct SpaceInScope {
    pub space: space::Model,
    pub access: TenantAccess,
    pub role: Role,
}

/// The spaces the actor reaches (all of the tenant's, or only their teams' spaces), by
/// name, after checking they may view the tenant at all. Lists and pickers start here.
pub async fn reachable(
    ctx: &Ctx,
    actor: &Actor,
) -> Result<(TenantAccess, Vec<space::Model>), AppError> {
    let Actor::Console(user) = actor;
    let access = tenant_access(ctx, user).await?;
    authorize(actor, Action::ViewTenant, Scope::Tenant(&access))?;
    let spaces = space::Entity::find()
        .filter(space::Column::TenantId.eq(user.tenant_id.as_str()))
        .order_by_asc(space::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .filter(|s| access.space_role(&SpaceId::from_db(s.id.clone())).is_some())
        .collect();
    Ok((access, spaces))
}

/// Finds a space of the actor's tenant and authorizes `action` on it. A space of another
/// tenant, or one outside the actor's teams, is `NotFound`: it does not exist for them.
pub async fn space_for(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    action: Action,
) -> Result<SpaceInScope, AppError> {
    let Actor::Console(user) = actor;
    let access = tenant_access(ctx, user).await?;
    let space = space::Entity::find_by_id(space_id.as_str())
        .filter(space::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    authorize(
        actor,
        action,
        Scope::Space {
            access: &access,
            tenant: &TenantId::from_db(space.tenant_id.clone()),
            space: space_id,
        },
    )?;
    let role = access.space_role(space_id).ok_or(AppError::NotFound)?;
    Ok(SpaceInScope {
        space,
        access,
        role,
    })
}

/// The environment names of a space: sandbox, staging, production (the defaults, which
/// share one creation time) in that order, then named ones in the order they were added.
pub async fn environment_names(
    db: &impl ConnectionTrait,
    space_id: &str,
) -> Result<Vec<String>, AppError> {
    let mut envs = environment::Entity::find()
        .filter(environment::Column::SpaceId.eq(space_id))
        .order_by_asc(environment::Column::CreatedAt)
        .order_by_asc(environment::Column::Name)
        .all(db)
        .await?;
    let default_rank = |name: &str| {
        DEFAULT_ENVIRONMENTS
            .iter()
            .position(|d| *d == name)
            .unwrap_or(DEFAULT_ENVIRONMENTS.len())
    };
    // Stable: named environments keep their creation order.
    envs.sort_by_key(|e| default_rank(&e.name));
    Ok(envs.into_iter().map(|e| e.name).collect())
}
