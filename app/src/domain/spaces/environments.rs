//! Adding a named environment to a space (sandbox, staging and production come with it).

use sea_orm::{ActiveModelTrait, Set};

use super::{environment_names, space_for};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::environment;
use crate::domain::validate::check_slug;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{EnvironmentId, SpaceId, TenantId};

/// More than this many environments in one space is a typo or a script gone wrong.
pub const MAX_ENVIRONMENTS: usize = 20;

pub async fn add_environment(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    name: &str,
) -> Result<(), AppError> {
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let name = check_slug("name", name, 40)?;

    let txn = db::begin_write(&ctx.db).await?;
    let existing = environment_names(&txn, space_id.as_str()).await?;
    if existing.contains(&name) {
        return Err(AppError::invalid(
            "name",
            format!("this space already has an environment named “{name}”"),
        ));
    }
    if existing.len() >= MAX_ENVIRONMENTS {
        return Err(AppError::invalid(
            "name",
            format!("a space can have at most {MAX_ENVIRONMENTS} environments"),
        ));
    }
    let created = environment::ActiveModel {
        id: Set(EnvironmentId::new().to_string()),
        space_id: Set(space_id.to_string()),
        name: Set(name),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &TenantId::from_db(scope.space.tenant_id),
        &AuditActor::of(actor),
        Change::created("environment.created", &created),
    )
    .await?;
    // The runtime's snapshot knows the space's environments: it must see the new one.
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await?;
    Ok(())
}
