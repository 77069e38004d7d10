//! Apps: integration identities that live in exactly one space.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::create::MAX_DESCRIPTION;
use super::space_for;
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::app;
use crate::domain::validate::{check_name, check_text};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{AppId, AppKind, SpaceId, TenantId};

pub async fn create_app(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    name: &str,
    kind: &str,
    description: &str,
) -> Result<AppId, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let name = check_name("name", name)?;
    let kind = AppKind::parse(kind)
        .ok_or_else(|| AppError::invalid("kind", "choose one of the listed kinds"))?;
    let description = check_text("description", description, MAX_DESCRIPTION)?;

    let txn = db::begin_write(&ctx.db).await?;
    if app::Entity::find()
        .filter(app::Column::SpaceId.eq(space_id.as_str()))
        .filter(app::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "name",
            format!("this space already has an app named “{name}”"),
        ));
    }
    let id = AppId::new();
    let created = app::ActiveModel {
        id: Set(id.to_string()),
        space_id: Set(space_id.to_string()),
        name: Set(name),
        kind: Set(kind.as_str().into()),
        description: Set(description),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &TenantId::from_db(scope.space.tenant_id),
        &AuditActor::of(actor),
        Change::created("app.created", &created),
    )
    .await?;
    // The runtime's snapshot knows the space's apps: it must see the new one.
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await?;
    Ok(id)
}
