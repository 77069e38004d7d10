//! The gates of a promotion, checked when it is asked for and again when it is approved:
//! an on-call operator, a recent kill-switch drill, nothing about the persona waiting in
//! the review queue, the target stage's limits, the buyer evaluation's readiness level
//! (at least the target stage), and the space's attestations. A failing gate blocks
//! approval and says why.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

use super::exposure::{self, GrantFact};
use super::limits::Limits;
use crate::AppError;
use crate::domain::entities::{approval, kill_switch, persona, switch_release};
use crate::domain::evaluation::readiness::{self, Readiness};
use crate::domain::rfc3339;
use crate::domain::users::display_names;
use crate::types::{AttestationView, GateView, level_name};

/// How recent a drill must be.
pub const DRILL_DAYS: i64 = 30;

/// What the gates look at, loaded once.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub on_call: Option<String>,
    pub last_drill: Option<time::OffsetDateTime>,
    /// Runtime actions waiting for a reviewer, and release requests for the persona's switch.
    pub waiting_items: u64,
    pub switch_engaged: bool,
    pub grants: Vec<GrantFact>,
    /// The readiness level of the evaluation covering the persona, if one does.
    pub readiness: Option<Readiness>,
    pub attestations: Vec<AttestationView>,
}

fn gate(key: &str, label: &str, passed: bool, detail: String) -> GateView {
    GateView {
        key: key.into(),
        label: label.into(),
        passed,
        detail,
    }
}

/// The gates for a promotion into `target`'s stage, as of `at`.
pub fn evaluate(facts: &Facts, target: &Limits, at: time::OffsetDateTime) -> Vec<GateView> {
    let mut gates = Vec::with_capacity(6);
    gates.push(match &facts.on_call {
        Some(name) => gate(
            "on_call",
            "An on-call operator is assigned",
            true,
            format!("{name} is on call."),
        ),
        None => gate(
            "on_call",
            "An on-call operator is assigned",
            false,
            "Nobody is on call for this persona: assign an operator on its page.".into(),
        ),
    });
    let since = at - time::Duration::days(DRILL_DAYS);
    gates.push(match facts.last_drill {
        Some(when) if when >= since => gate(
            "drill",
            "A kill-switch drill in the last 30 days",
            true,
            format!("Drilled {}.", rfc3339(when)),
        ),
        Some(when) => gate(
            "drill",
            "A kill-switch drill in the last 30 days",
            false,
            format!(
                "The last drill was {}, more than {DRILL_DAYS} days ago: drill the persona's switch on the Kill-switches page.",
                rfc3339(when)
            ),
        ),
        None => gate(
            "drill",
            "A kill-switch drill in the last 30 days",
            false,
            "This persona's switch was never drilled: drill it on the Kill-switches page.".into(),
        ),
    });
    let calm = facts.waiting_items == 0 && !facts.switch_engaged;
    gates.push(gate(
        "no_waiting_items",
        "Nothing critical waits for this persona",
        calm,
        if facts.switch_engaged {
            "Its kill-switch is engaged.".into()
        } else if facts.waiting_items > 0 {
            format!(
                "{} item(s) about this persona wait in the review queue.",
                facts.waiting_items
            )
        } else {
            "No runtime action or release waits for a reviewer.".into()
        },
    ));
    let problems = exposure::problems(&facts.grants, target);
    gates.push(gate(
        "limits",
        "The grants that become active fit the stage's limits",
        problems.is_empty(),
        if problems.is_empty() {
            format!(
                "{} external capabilities active at stage {}{}.",
                exposure::external_count(&facts.grants, target.stage),
                target.stage,
                target
                    .max_external
                    .map(|m| format!(" (limit {m})"))
                    .unwrap_or_default()
            )
        } else {
            problems.join(" ")
        },
    ));
    let needed = target.stage;
    gates.push(match &facts.readiness {
        Some(r) => gate(
            "readiness",
            "The buyer evaluation's readiness level allows this stage",
            r.level >= needed,
            if r.level >= needed {
                format!(
                    "“{}” reaches level {} ({}).",
                    r.evaluation_title,
                    r.level,
                    level_name(r.level)
                )
            } else {
                format!(
                    "“{}” reaches level {} ({}); stage {needed} needs level {needed}: see what blocks it on the Evaluation page.",
                    r.evaluation_title,
                    r.level,
                    level_name(r.level)
                )
            },
        ),
        None => gate(
            "readiness",
            "The buyer evaluation's readiness level allows this stage",
            false,
            format!(
                "No completed evaluation covers this persona yet: complete one on the Evaluation page (stage {needed} needs level {needed})."
            ),
        ),
    });
    if !target.attestations.is_empty() {
        let missing: Vec<&str> = target
            .attestations
            .iter()
            .filter(|prompt| {
                !facts
                    .attestations
                    .iter()
                    .any(|a| &a.prompt == *prompt && !a.statement.trim().is_empty())
            })
            .map(String::as_str)
            .collect();
        gates.push(gate(
            "attestations",
            "The space's attestations are written",
            missing.is_empty(),
            if missing.is_empty() {
                format!("{} statement(s) attested.", target.attestations.len())
            } else {
                format!("Not attested yet: {}.", missing.join("; "))
            },
        ));
    }
    gates
}

/// Loads the facts about one persona.
pub async fn facts(
    db: &impl ConnectionTrait,
    persona: &persona::Model,
    attestations: Vec<AttestationView>,
    at: time::OffsetDateTime,
) -> Result<Facts, AppError> {
    let mut all = facts_for(db, &persona.space_id, std::slice::from_ref(persona), at).await?;
    let mut facts = all.remove(&persona.id).unwrap_or_default();
    facts.attestations = attestations;
    Ok(facts)
}

/// The facts about personas of one space (by persona id), in a fixed number of queries
/// whatever their number (the rollout board checks every persona at once). Attestations
/// belong to a request and are left empty.
pub async fn facts_for(
    db: &impl ConnectionTrait,
    space_id: &str,
    personas: &[persona::Model],
    at: time::OffsetDateTime,
) -> Result<HashMap<String, Facts>, AppError> {
    let ids: Vec<String> = personas.iter().map(|p| p.id.clone()).collect();
    let names = display_names(
        db,
        personas
            .iter()
            .filter_map(|p| p.on_call_user_id.clone())
            .collect(),
    )
    .await?;
    let switches: HashMap<String, kill_switch::Model> = kill_switch::Entity::find()
        .filter(kill_switch::Column::Scope.eq("persona"))
        .filter(kill_switch::Column::ScopeId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.scope_id.clone(), s))
        .collect();
    let mut waiting: HashMap<String, u64> = HashMap::new();
    for row in approval::Entity::find()
        .select_only()
        .column(approval::Column::PersonaId)
        .filter(approval::Column::PersonaId.is_in(ids.clone()))
        .filter(approval::Column::State.eq("pending"))
        .filter(approval::Column::ExpiresAt.gt(at))
        .into_tuple::<String>()
        .all(db)
        .await?
    {
        *waiting.entry(row).or_default() += 1;
    }
    let switch_owner: HashMap<&str, &str> = switches
        .values()
        .map(|s| (s.id.as_str(), s.scope_id.as_str()))
        .collect();
    for switch_id in switch_release::Entity::find()
        .select_only()
        .column(switch_release::Column::SwitchId)
        .filter(switch_release::Column::SwitchId.is_in(switch_owner.keys().map(|k| k.to_string())))
        .filter(switch_release::Column::State.eq("pending"))
        .into_tuple::<String>()
        .all(db)
        .await?
    {
        if let Some(persona) = switch_owner.get(switch_id.as_str()) {
            *waiting.entry((*persona).to_string()).or_default() += 1;
        }
    }
    let mut grants = exposure::load_many(db, space_id, &ids).await?;
    let mut ready = readiness::for_personas(db, space_id, personas, at).await?;
    Ok(personas
        .iter()
        .map(|p| {
            let switch = switches.get(&p.id);
            let facts = Facts {
                on_call: p
                    .on_call_user_id
                    .as_ref()
                    .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone())),
                last_drill: switch.and_then(|s| s.last_drill_at),
                waiting_items: waiting.get(&p.id).copied().unwrap_or(0),
                switch_engaged: switch.is_some_and(|s| s.engaged),
                grants: grants.remove(&p.id).unwrap_or_default(),
                readiness: ready.remove(&p.id),
                attestations: Vec::new(),
            };
            (p.id.clone(), facts)
        })
        .collect())
}

pub fn all_pass(gates: &[GateView]) -> bool {
    gates.iter().all(|g| g.passed)
}

/// The failing gates, in a sentence for an error message.
pub fn failing(gates: &[GateView]) -> String {
    gates
        .iter()
        .filter(|g| !g.passed)
        .map(|g| format!("{} — {}", g.label, g.detail))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::limits::default_for;

    fn ready() -> Facts {
        Facts {
            on_call: Some("Olive".into()),
            last_drill: Some(time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(100)),
            readiness: Some(Readiness {
                level: 4,
                evaluation_title: "Support readiness".into(),
            }),
            ..Default::default()
        }
    }

    fn at() -> time::OffsetDateTime {
        time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(110)
    }

    fn passed(gates: &[GateView], key: &str) -> bool {
        gates
            .iter()
            .find(|g| g.key == key)
            .is_some_and(|g| g.passed)
    }

    #[test]
    fn a_ready_persona_passes_every_gate() {
        let gates = evaluate(&ready(), &default_for(2), at());
        assert!(all_pass(&gates), "{gates:?}");
        assert_eq!(
            gates.len(),
            5,
            "no attestation gate unless the space asks for one"
        );
    }

    #[test]
    fn each_gate_fails_on_its_own_fact_and_says_why() {
        let mut f = ready();
        f.on_call = None;
        assert!(!passed(&evaluate(&f, &default_for(2), at()), "on_call"));

        let mut f = ready();
        f.last_drill = Some(at() - time::Duration::days(31));
        let gates = evaluate(&f, &default_for(2), at());
        assert!(!passed(&gates, "drill"));
        assert!(failing(&gates).contains("more than 30 days"));
        f.last_drill = None;
        assert!(!passed(&evaluate(&f, &default_for(2), at()), "drill"));

        let mut f = ready();
        f.waiting_items = 2;
        assert!(!passed(
            &evaluate(&f, &default_for(2), at()),
            "no_waiting_items"
        ));
        let mut f = ready();
        f.switch_engaged = true;
        assert!(!passed(
            &evaluate(&f, &default_for(2), at()),
            "no_waiting_items"
        ));

        let mut f = ready();
        f.grants = (0..3)
            .map(|i| GrantFact {
                label: format!("write · system {i}"),
                capability_key: format!("sys{i}"),
                external: true,
                environments: vec!["production".into()],
                min_stage: 2,
                exposes: true,
            })
            .collect();
        assert!(!passed(&evaluate(&f, &default_for(2), at()), "limits"));
        assert!(passed(&evaluate(&f, &default_for(3), at()), "limits"));
    }

    #[test]
    fn the_readiness_level_must_reach_the_target_stage() {
        let mut f = ready();
        f.readiness = Some(Readiness {
            level: 2,
            evaluation_title: "Support readiness".into(),
        });
        assert!(passed(&evaluate(&f, &default_for(2), at()), "readiness"));
        let gates = evaluate(&f, &default_for(3), at());
        assert!(!passed(&gates, "readiness"));
        assert!(
            failing(&gates).contains("stage 3 needs level 3"),
            "{gates:?}"
        );
        f.readiness = None;
        let gates = evaluate(&f, &default_for(2), at());
        assert!(failing(&gates).contains("No completed evaluation covers this persona"));
    }

    #[test]
    fn every_attestation_the_space_asks_for_must_be_written() {
        let mut target = default_for(3);
        target.attestations = vec!["Support can step in".into(), "Legal signed off".into()];
        let mut f = ready();
        f.attestations = vec![AttestationView {
            prompt: "Support can step in".into(),
            statement: "Yes, trained on 3 Nov.".into(),
        }];
        let gates = evaluate(&f, &target, at());
        assert!(!passed(&gates, "attestations"));
        assert!(failing(&gates).contains("Legal signed off"));
        f.attestations.push(AttestationView {
            prompt: "Legal signed off".into(),
            statement: "  ".into(),
        });
        assert!(!passed(&evaluate(&f, &target, at()), "attestations"));
        f.attestations[1].statement = "Signed by J. Doe".into();
        assert!(passed(&evaluate(&f, &target, at()), "attestations"));
    }
}
