//! The readiness level as a promotion gate: for each persona, the evaluation that
//! covers it — among those completed at least once, one focused on it, else the most
//! recently completed of its whole space — checked now against that persona's live data
//! with that evaluation's attestations. Only completed evaluations count, so starting a
//! new, empty one cannot block anybody's promotion. Set-based: the rollout board checks
//! every persona of a space in a fixed number of queries.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use super::checks::{self, Attested};
use super::data;
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
        .filter(evaluation::Column::CompletedAt.is_not_null())
        .order_by_desc(evaluation::Column::CompletedAt)
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
    // Activity is measured over each evaluation's own scope (its persona, or the space):
    // the facts hold it for `only`; the other scope costs four more queries, once.
    let focused = picked.iter().any(|(_, e)| e.persona_id.is_some());
    let whole = picked.iter().any(|(_, e)| e.persona_id.is_none());
    let space_weeks = match only {
        None => facts.active_weeks,
        Some(_) if whole => data::active_weeks(db, space_id, None, at).await?,
        Some(_) => 0,
    };
    let persona_weeks = match only {
        Some(id) => HashMap::from([(id.to_string(), facts.active_weeks)]),
        None if focused => data::active_weeks_by_persona(db, space_id, at).await?,
        None => HashMap::new(),
    };
    let mut by_id: HashMap<String, data::PersonaFacts> = std::mem::take(&mut facts.personas)
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let empty = HashMap::<String, Attested>::new();
    let mut out = HashMap::with_capacity(picked.len());
    // One persona at a time through the same space facts: each takes the other's place
    // instead of a copy of the space per persona.
    let mut scoped = facts;
    for (p, e) in picked {
        let Some(one) = by_id.remove(&p.id) else {
            continue;
        };
        scoped.personas.clear();
        scoped.personas.push(one);
        scoped.active_weeks = match e.persona_id {
            Some(_) => persona_weeks.get(&p.id).copied().unwrap_or(0),
            None => space_weeks,
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
