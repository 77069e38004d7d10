//! Reading a tenant's spaces and personas for the overview.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use super::entities::persona;
use super::{Actor, Ctx};
use crate::AppError;
use crate::types::{OverviewView, PersonaId, PersonaSummary, SpaceId, SpaceSummary};

pub async fn get_overview(ctx: &Ctx, actor: &Actor) -> Result<OverviewView, AppError> {
    let Actor::Console(user) = actor;
    let (_, spaces) = super::spaces::reachable(ctx, actor).await?;
    let space_ids: Vec<&str> = spaces.iter().map(|s| s.id.as_str()).collect();
    // One query for all personas, grouped in memory: no query per space.
    let mut personas_by_space: HashMap<String, Vec<PersonaSummary>> = HashMap::new();
    for p in persona::Entity::find()
        .filter(persona::Column::SpaceId.is_in(space_ids))
        .order_by_asc(persona::Column::Name)
        .all(&ctx.db)
        .await?
    {
        personas_by_space
            .entry(p.space_id)
            .or_default()
            .push(PersonaSummary {
                id: PersonaId::from_db(p.id),
                name: p.name,
                role_description: p.role_description,
                stage: u8::try_from(p.stage).unwrap_or(1),
                status: p.status,
            });
    }
    Ok(OverviewView {
        tenant_name: user.tenant_name.clone(),
        spaces: spaces
            .into_iter()
            .map(|s| SpaceSummary {
                personas: personas_by_space.remove(&s.id).unwrap_or_default(),
                id: SpaceId::from_db(s.id),
                name: s.name,
                description: s.description,
            })
            .collect(),
    })
}
