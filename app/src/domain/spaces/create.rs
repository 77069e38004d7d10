//! Creating a space, with the default environments, in one audited step.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{environment, space};
use crate::domain::validate::{check_name, check_text};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{DEFAULT_ENVIRONMENTS, EnvironmentId, SpaceId};

pub const MAX_DESCRIPTION: usize = 2000;

pub async fn create_space(
    ctx: &Ctx,
    actor: &Actor,
    name: &str,
    description: &str,
) -> Result<SpaceId, AppError> {
    let Actor::Console(user) = actor;
    let access = tenant_access(ctx, user).await?;
    authorize(actor, Action::CreateSpace, Scope::Tenant(&access))?;
    let name = check_name("name", name)?;
    let description = check_text("description", description, MAX_DESCRIPTION)?;

    let txn = db::begin_write(&ctx.db).await?;
    let taken = space::Entity::find()
        .filter(space::Column::TenantId.eq(user.tenant_id.as_str()))
        .filter(space::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::invalid(
            "name",
            format!("a space named “{name}” already exists"),
        ));
    }
    let id = SpaceId::new();
    let at = now();
    let created = space::ActiveModel {
        id: Set(id.to_string()),
        tenant_id: Set(user.tenant_id.to_string()),
        name: Set(name),
        description: Set(description),
        created_at: Set(at),
        event_seq: Set(0),
        policy_version: Set(0),
    }
    .insert(&txn)
    .await?;
    for env in DEFAULT_ENVIRONMENTS {
        environment::ActiveModel {
            id: Set(EnvironmentId::new().to_string()),
            space_id: Set(id.to_string()),
            name: Set(env.into()),
            created_at: Set(at),
        }
        .insert(&txn)
        .await?;
    }
    let mut change = Change::created("space.created", &created);
    if let Some(after) = change.after.as_mut() {
        after["environments"] = json!(DEFAULT_ENVIRONMENTS);
    }
    record(&txn, &user.tenant_id, &AuditActor::of(actor), change).await?;
    txn.commit().await?;
    Ok(id)
}
