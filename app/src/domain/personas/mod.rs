//! Personas: created in one space for life (there is no move: create a new one instead),
//! with an owner, an on-call operator and a continuity profile.

pub mod create;
pub mod detail;
pub mod list;
pub mod update;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::authz::Action;
use super::entities::{membership, persona};
use super::spaces::{SpaceInScope, space_for};
use super::{Actor, Ctx};
use crate::AppError;
use crate::types::{Continuity, PersonaId, SpaceId, UserId};

pub struct PersonaInScope {
    pub persona: persona::Model,
    pub scope: SpaceInScope,
}

/// Finds a persona and authorizes `action` on its space. Not found when the persona's
/// space is outside the actor's reach, exactly as if it did not exist.
pub async fn persona_for(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    action: Action,
) -> Result<PersonaInScope, AppError> {
    let persona = persona::Entity::find_by_id(persona_id.as_str())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = space_for(
        ctx,
        actor,
        &SpaceId::from_db(persona.space_id.clone()),
        action,
    )
    .await?;
    Ok(PersonaInScope { persona, scope })
}

/// What name search compares: Unicode lower case, the same on every database.
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

pub fn parse_continuity(values: &[String]) -> Result<Vec<Continuity>, AppError> {
    let mut out: Vec<Continuity> = Vec::new();
    for v in values {
        let c = Continuity::parse(v.trim())
            .ok_or_else(|| AppError::invalid("continuity", format!("unknown option “{v}”")))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.sort();
    Ok(out)
}

pub fn continuity_to_db(values: &[Continuity]) -> String {
    values
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn continuity_from_db(value: &str) -> Vec<Continuity> {
    value.split(',').filter_map(Continuity::parse).collect()
}

/// An optional member of the persona's tenant (owner, on-call): empty means none.
pub async fn check_member(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    field: &str,
    value: &str,
) -> Result<Option<UserId>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let not_member = || AppError::invalid(field, "choose a member of this tenant");
    let user: UserId = value.parse().map_err(|_| not_member())?;
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant_id))
        .filter(membership::Column::UserId.eq(user.as_str()))
        .one(db)
        .await?
        .ok_or_else(not_member)?;
    Ok(Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuity_round_trips_sorted_and_deduplicated() {
        let parsed = parse_continuity(&["plans".into(), "memory".into(), "plans".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed, vec![Continuity::Memory, Continuity::Plans]);
        assert_eq!(continuity_from_db(&continuity_to_db(&parsed)), parsed);
        assert!(parse_continuity(&["telepathy".into()]).is_err());
        assert!(continuity_from_db("").is_empty());
    }
}
