//! What each stage exposes: the grants that are active there (a grant is active once the
//! persona's stage reaches its minimum stage), and where they break the stage's limits.
//! Pure, so the rules are tested without a database.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeSet, HashMap};

use super::limits::Limits;
use crate::AppError;
use crate::domain::entities::{capability, grant};
use crate::types::{StageExposureView, stage_name};

/// A grant, as far as the stage rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFact {
    /// "write · CRM › update_contact · production": how people read it.
    pub label: String,
    pub capability_key: String,
    pub external: bool,
    pub environments: Vec<String>,
    pub min_stage: u8,
    /// A `denied` grant exposes nothing.
    pub exposes: bool,
}

/// The grants active at `stage`. The rules take any iterable of grants, so callers
/// that keep them inside richer rows need not copy them out.
pub fn active_at<'a>(
    grants: impl IntoIterator<Item = &'a GrantFact>,
    stage: u8,
) -> impl Iterator<Item = &'a GrantFact> {
    grants
        .into_iter()
        .filter(move |g| g.exposes && g.min_stage <= stage)
}

/// Distinct external capabilities active at `stage`.
pub fn external_count<'a>(grants: impl IntoIterator<Item = &'a GrantFact>, stage: u8) -> u32 {
    let keys: BTreeSet<&str> = active_at(grants, stage)
        .filter(|g| g.external)
        .map(|g| g.capability_key.as_str())
        .collect();
    u32::try_from(keys.len()).unwrap_or(u32::MAX)
}

/// Where the grants active at the limits' stage break those limits, in sentences.
pub fn problems<'a, I>(grants: I, limits: &Limits) -> Vec<String>
where
    I: IntoIterator<Item = &'a GrantFact> + Clone,
{
    let stage = limits.stage;
    let mut found = Vec::new();
    let external = external_count(grants.clone(), stage);
    if let Some(max) = limits.max_external
        && external > max
    {
        found.push(format!(
            "{external} external capabilities would be active; stage {stage} allows {max}."
        ));
    }
    for g in active_at(grants, stage) {
        let outside: Vec<&str> = g
            .environments
            .iter()
            .filter(|e| !limits.allows_environment(e))
            .map(String::as_str)
            .collect();
        if !outside.is_empty() {
            found.push(format!(
                "{} works in {}, which stage {stage} does not allow.",
                g.label,
                outside.join(", ")
            ));
        }
    }
    found
}

/// Per stage: what becomes active there, how many external systems are active, and
/// what breaks the limits (for the current stage and those ahead; stages already passed
/// no longer bound anything).
pub fn by_stage(grants: &[GrantFact], limits: &[Limits], current: u8) -> Vec<StageExposureView> {
    limits
        .iter()
        .map(|l| StageExposureView {
            stage: l.stage,
            stage_name: stage_name(l.stage).to_string(),
            reached: l.stage <= current,
            becomes_active: grants
                .iter()
                .filter(|g| g.exposes && g.min_stage == l.stage)
                .map(|g| g.label.clone())
                .collect(),
            external_active: external_count(grants, l.stage),
            max_external: l.max_external,
            problems: if l.stage >= current {
                problems(grants, l)
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// The persona's grants as facts, in two queries.
pub async fn load(
    db: &impl ConnectionTrait,
    space_id: &str,
    persona_id: &str,
) -> Result<Vec<GrantFact>, AppError> {
    let mut all = load_many(db, space_id, &[persona_id.to_string()]).await?;
    Ok(all.remove(persona_id).unwrap_or_default())
}

/// Several personas' grants as facts (by persona id), in two queries whatever their number.
pub async fn load_many(
    db: &impl ConnectionTrait,
    space_id: &str,
    persona_ids: &[String],
) -> Result<HashMap<String, Vec<GrantFact>>, AppError> {
    let grants = grant::Entity::find()
        .filter(grant::Column::PersonaId.is_in(persona_ids.to_vec()))
        .all(db)
        .await?;
    let caps: HashMap<String, capability::Model> = capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut by_persona: HashMap<String, Vec<GrantFact>> = HashMap::new();
    for g in &grants {
        let Some(cap) = caps.get(&g.capability_id) else {
            continue;
        };
        let environments: Vec<String> = serde_json::from_str(&g.environments).unwrap_or_default();
        let what = if g.action_name.is_empty() {
            cap.name.clone()
        } else {
            format!("{} › {}", cap.name, g.action_name)
        };
        by_persona
            .entry(g.persona_id.clone())
            .or_default()
            .push(GrantFact {
                label: format!("{} · {what} · {}", g.access, environments.join(", ")),
                capability_key: cap.key.clone(),
                external: cap.source == "external",
                environments,
                min_stage: u8::try_from(g.min_stage).unwrap_or(1),
                exposes: g.access != "denied",
            });
    }
    for facts in by_persona.values_mut() {
        facts.sort_by(|a, b| a.label.cmp(&b.label));
    }
    Ok(by_persona)
}

/// A fingerprint of the persona's grants: any added, removed or edited grant moves it
/// (each edit bumps the grant's version).
pub async fn fingerprint(db: &impl ConnectionTrait, persona_id: &str) -> Result<String, AppError> {
    let mut all = fingerprints(db, vec![persona_id.to_string()]).await?;
    Ok(all
        .remove(persona_id)
        .unwrap_or_else(|| hash_grants(Vec::new())))
}

/// The fingerprints of several personas' grants in one query (the review queue's items).
pub async fn fingerprints(
    db: &impl ConnectionTrait,
    persona_ids: Vec<String>,
) -> Result<HashMap<String, String>, AppError> {
    use sea_orm::QuerySelect;
    let mut by_persona: HashMap<String, Vec<(String, i32)>> = persona_ids
        .iter()
        .map(|id| (id.clone(), Vec::new()))
        .collect();
    let rows: Vec<(String, String, i32)> = grant::Entity::find()
        .select_only()
        .column(grant::Column::PersonaId)
        .column(grant::Column::Id)
        .column(grant::Column::Version)
        .filter(grant::Column::PersonaId.is_in(persona_ids))
        .into_tuple()
        .all(db)
        .await?;
    for (persona_id, id, version) in rows {
        by_persona
            .entry(persona_id)
            .or_default()
            .push((id, version));
    }
    Ok(by_persona
        .into_iter()
        .map(|(persona_id, grants)| (persona_id, hash_grants(grants)))
        .collect())
}

fn hash_grants(mut grants: Vec<(String, i32)>) -> String {
    use sha2::{Digest, Sha256};
    grants.sort();
    let mut hash = Sha256::new();
    for (id, version) in grants {
        hash.update(format!("{id}:{version};"));
    }
    hex::encode(&hash.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::limits::default_for;

    fn g(key: &str, external: bool, envs: &[&str], min_stage: u8) -> GrantFact {
        GrantFact {
            label: format!("write · {key}"),
            capability_key: key.into(),
            external,
            environments: envs.iter().map(|e| e.to_string()).collect(),
            min_stage,
            exposes: true,
        }
    }

    #[test]
    fn a_grant_is_active_once_the_stage_reaches_its_minimum() {
        let grants = [
            g("chat", false, &["sandbox"], 1),
            g("crm", true, &["production"], 2),
        ];
        assert_eq!(active_at(&grants, 1).count(), 1);
        assert_eq!(active_at(&grants, 2).count(), 2);
        assert_eq!(external_count(&grants, 1), 0);
        assert_eq!(external_count(&grants, 4), 1);
    }

    #[test]
    fn limits_catch_too_many_external_systems_and_disallowed_environments() {
        let grants = [
            g("chat", false, &["sandbox"], 1),
            g("crm", true, &["production"], 2),
            g("erp", true, &["production"], 2),
            g("tickets", true, &["production"], 2),
            g("tickets", true, &["sandbox"], 2),
        ];
        assert!(problems(&grants, &default_for(1)).is_empty());
        let at_two = problems(&grants, &default_for(2));
        assert_eq!(at_two.len(), 1, "{at_two:?}");
        assert!(at_two[0].starts_with("3 external capabilities"));
        let mut pilot_in_prod = default_for(1);
        pilot_in_prod.max_external = None;
        let early = [g("crm", true, &["production", "sandbox"], 1)];
        let found = problems(&early, &pilot_in_prod);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("production"), "{found:?}");
    }

    #[test]
    fn denied_grants_expose_nothing() {
        let mut denied = g("crm", true, &["production"], 1);
        denied.exposes = false;
        assert!(problems(&[denied.clone()], &default_for(1)).is_empty());
        let view = by_stage(&[denied], &[default_for(1)], 1);
        assert!(view[0].becomes_active.is_empty());
    }
}
