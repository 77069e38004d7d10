//! The readiness level as a promotion gate: for each persona, the evaluation that
//! covers it (one focused on it, else the newest of its whole space), checked against
//! that persona's live data with that evaluation's attestations. Set-based, so the
//! rollout board checks every persona of a space in a fixed number of queries.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use super::checks::{self, Attested};
use super::data::{self, SpaceFacts};
use super::report::attestations;
use crate::AppError;
use crate::domain::entities::{evaluation, persona, space};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub level: u8,
    pub evaluation_title: String,
}

/// The readiness of each of these personas of one space (missing: no evaluation covers
/// it).
pub async fn for_personas(
    db: &impl ConnectionTrait,
    space_id: &str,
    personas: &[persona::Model],
    at: time::OffsetDateTime,
) -> Result<HashMap<String, Readiness>, AppError> {
    let evaluations = evaluation::Entity::find()
        .filter(evaluation::Column::SpaceId.eq(space_id))
        .order_by_desc(evaluation::Column::UpdatedAt)
        .all(db)
        .await?;
    if evaluations.is_empty() || personas.is_empty() {
        return Ok(HashMap::new());
    }
    let covering = |p: &persona::Model| {
        evaluations
            .iter()
            .find(|e| e.persona_id.as_deref() == Some(p.id.as_str()))
            .or_else(|| evaluations.iter().find(|e| e.persona_id.is_none()))
    };
    let picked: Vec<(&persona::Model, &evaluation::Model)> = personas
        .iter()
        .filter_map(|p| covering(p).map(|e| (p, e)))
        .collect();
    if picked.is_empty() {
        return Ok(HashMap::new());
    }
    let space = space::Entity::find_by_id(space_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let only = match personas {
        [one] => Some(one.id.as_str()),
        _ => None,
    };
    let mut facts = data::load(db, &space, only, at).await?;
    let mut ids: Vec<String> = picked.iter().map(|(_, e)| e.id.clone()).collect();
    ids.sort();
    ids.dedup();
    let attested = attestations(db, &ids).await?;
    // Activity is measured over each evaluation's own scope (its persona, or the space).
    let mut weeks: HashMap<&str, u8> = HashMap::new();
    for (_, e) in &picked {
        if !weeks.contains_key(e.id.as_str()) {
            let n = if e.persona_id.as_deref() == only {
                facts.active_weeks
            } else {
                data::active_weeks(db, space_id, e.persona_id.as_deref(), at).await?
            };
            weeks.insert(e.id.as_str(), n);
        }
    }
    let mut by_id: HashMap<String, data::PersonaFacts> = std::mem::take(&mut facts.personas)
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let empty = HashMap::<String, Attested>::new();
    let mut out = HashMap::with_capacity(picked.len());
    for (p, e) in picked {
        let Some(one) = by_id.remove(&p.id) else {
            continue;
        };
        let scoped = SpaceFacts {
            personas: vec![one],
            active_weeks: weeks.get(e.id.as_str()).copied().unwrap_or(0),
            ..facts.clone()
        };
        let checked = checks::run(&scoped, attested.get(&e.id).unwrap_or(&empty), at);
        out.insert(
            p.id.clone(),
            Readiness {
                level: checks::level(&checked),
                evaluation_title: e.title.clone(),
            },
        );
    }
    Ok(out)
}
