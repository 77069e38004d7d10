//! The spaces list and one space's page.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::{environment_names, space_for};
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::capabilities::read::{grant_counts, load_for_spaces, space_views};
use crate::domain::entities::{app, capability, persona};
use crate::domain::members::member_refs;
use crate::domain::{Actor, Ctx};
use crate::types::{
    AppId, AppKind, AppView, PersonaId, PersonaSummary, SpaceDetailView, SpaceId, SpaceListItem,
    SpacesView,
};

/// `(space_id, count)` for one child table, grouped in the database.
async fn counts<E: EntityTrait>(
    db: &impl ConnectionTrait,
    space_col: E::Column,
    id_col: E::Column,
    extra: Option<sea_orm::Condition>,
) -> Result<HashMap<String, u64>, AppError>
where
    E::Column: ColumnTrait,
{
    let mut query = E::find()
        .select_only()
        .column(space_col)
        .column_as(id_col.count(), "n")
        .group_by(space_col);
    if let Some(extra) = extra {
        query = query.filter(extra);
    }
    let rows: Vec<(String, i64)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

pub async fn list_spaces(ctx: &Ctx, actor: &Actor) -> Result<SpacesView, AppError> {
    let (access, spaces) = super::reachable(ctx, actor).await?;
    let ids: Vec<String> = spaces.iter().map(|s| s.id.clone()).collect();
    let in_tenant = |col: sea_orm::sea_query::SimpleExpr| Some(sea_orm::Condition::all().add(col));
    let personas = counts::<persona::Entity>(
        &ctx.db,
        persona::Column::SpaceId,
        persona::Column::Id,
        in_tenant(persona::Column::SpaceId.is_in(ids.clone())),
    )
    .await?;
    let apps = counts::<app::Entity>(
        &ctx.db,
        app::Column::SpaceId,
        app::Column::Id,
        in_tenant(app::Column::SpaceId.is_in(ids.clone())),
    )
    .await?;
    let caps = counts::<capability::Entity>(
        &ctx.db,
        capability::Column::SpaceId,
        capability::Column::Id,
        Some(
            sea_orm::Condition::all()
                .add(capability::Column::SpaceId.is_in(ids))
                .add(capability::Column::Enabled.eq(true)),
        ),
    )
    .await?;
    Ok(SpacesView {
        can_create: authorize(actor, Action::CreateSpace, Scope::Tenant(&access)).is_ok(),
        spaces: spaces
            .into_iter()
            .filter_map(|s| {
                let id = SpaceId::from_db(s.id.clone());
                let your_role = access.space_role(&id)?;
                Some(SpaceListItem {
                    persona_count: personas.get(&s.id).copied().unwrap_or(0),
                    app_count: apps.get(&s.id).copied().unwrap_or(0),
                    capability_count: caps.get(&s.id).copied().unwrap_or(0),
                    id,
                    name: s.name,
                    description: s.description,
                    your_role,
                })
            })
            .collect(),
    })
}

pub async fn get_space(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
) -> Result<SpaceDetailView, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::ViewSpace).await?;
    let can_edit = authorize(
        actor,
        Action::EditSpace,
        Scope::Space {
            access: &scope.access,
            tenant: &scope.access.tenant_id,
            space: space_id,
        },
    )
    .is_ok();
    let apps = app::Entity::find()
        .filter(app::Column::SpaceId.eq(space_id.as_str()))
        .order_by_asc(app::Column::Name)
        .all(&ctx.db)
        .await?;
    let personas = persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(space_id.as_str()))
        .order_by_asc(persona::Column::Name)
        .all(&ctx.db)
        .await?;
    let caps = load_for_spaces(&ctx.db, &[space_id.as_str()]).await?;
    let grant_count = grant_counts(&ctx.db, caps.iter().map(|c| c.capability.id.clone())).await?;
    let cap_refs: Vec<_> = caps.iter().collect();
    Ok(SpaceDetailView {
        id: space_id.clone(),
        name: scope.space.name.clone(),
        description: scope.space.description.clone(),
        your_role: scope.role,
        can_edit,
        environments: environment_names(&ctx.db, space_id.as_str()).await?,
        apps: apps
            .into_iter()
            .map(|a| AppView {
                id: AppId::from_db(a.id),
                name: a.name,
                kind: AppKind::parse(&a.kind).unwrap_or(AppKind::ProductUi),
                description: a.description,
            })
            .collect(),
        personas: personas
            .into_iter()
            .map(|p| PersonaSummary {
                id: PersonaId::from_db(p.id),
                name: p.name,
                role_description: p.role_description,
                stage: u8::try_from(p.stage).unwrap_or(1),
                status: p.status,
            })
            .collect(),
        capabilities: space_views(&cap_refs, &grant_count),
        members: member_refs(&ctx.db, scope.space.tenant_id.as_str()).await?,
    })
}
