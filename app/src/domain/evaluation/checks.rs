//! Each item's check, as a pure function of the loaded facts, the evaluation's
//! attestations and the time: pass, fail or warning with what was found and a link to
//! the page that shows the evidence. An evaluation of a whole space asks every persona
//! of it; a failing persona is named.

use std::collections::HashMap;

use super::catalog::{self, ITEMS, Item, Kind, NARROW_AUDIENCE, SMALL_EXTERNAL, STALE_DAYS};
use super::data::{PersonaFacts, SpaceFacts};
use crate::domain::rfc3339;
use crate::domain::rollout::exposure::{self, GrantFact};
use crate::domain::rollout::gates::DRILL_DAYS;
use crate::domain::rollout::limits::{self, Limits};
use crate::types::{Access, AttestedView, Continuity, ItemStatus, LinkView};

/// The longest a drill may take to reach every runtime.
pub const PROPAGATION_MS: i64 = 1000;
/// The review queue: waiting longer than this is a warning, longer than a day a failure.
const QUEUE_WARN_HOURS: i64 = 4;
const QUEUE_FAIL_HOURS: i64 = 24;

/// A statement on record for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The attestation's row, whose audit entries are its evidence.
    pub id: String,
    pub statement: String,
    pub by: String,
    pub at: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub item: &'static Item,
    pub status: ItemStatus,
    pub detail: String,
    pub evidence: Option<LinkView>,
    pub attestation: Option<AttestedView>,
}

struct Found {
    status: ItemStatus,
    detail: String,
    evidence: Option<LinkView>,
}

fn link(href: String, label: &str) -> Option<LinkView> {
    Some(LinkView {
        href,
        label: label.into(),
    })
}

fn pass(detail: impl Into<String>, evidence: Option<LinkView>) -> Found {
    Found {
        status: ItemStatus::Pass,
        detail: detail.into(),
        evidence,
    }
}

fn fail(detail: impl Into<String>, evidence: Option<LinkView>) -> Found {
    Found {
        status: ItemStatus::Fail,
        detail: detail.into(),
        evidence,
    }
}

fn warn(detail: impl Into<String>, evidence: Option<LinkView>) -> Found {
    Found {
        status: ItemStatus::Warning,
        detail: detail.into(),
        evidence,
    }
}

/// Names, the first few of them, for a sentence.
fn names(list: &[&PersonaFacts]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<&str> = list.iter().take(SHOWN).map(|p| p.name.as_str()).collect();
    let rest = list.len().saturating_sub(SHOWN);
    let more = format!("and {rest} more");
    if rest > 0 {
        out.push(&more);
    }
    out.join(", ")
}

/// Passes when `ok` holds for every persona; otherwise names those it fails for and
/// links to the first of them.
fn every(
    facts: &SpaceFacts,
    ok: impl Fn(&PersonaFacts) -> bool,
    passed: &str,
    failed: &str,
) -> Found {
    if facts.personas.is_empty() {
        return fail(
            "The space has no persona yet.",
            link(format!("/spaces/{}", facts.space_id), "The space"),
        );
    }
    let failing: Vec<&PersonaFacts> = facts.personas.iter().filter(|p| !ok(p)).collect();
    match failing.first() {
        None => pass(
            format!("{passed}."),
            link(
                persona_or_space(facts),
                if facts.personas.len() == 1 {
                    "The persona"
                } else {
                    "The space"
                },
            ),
        ),
        Some(first) => fail(
            format!("{failed}: {}.", names(&failing)),
            link(
                format!("/personas/{}", first.id),
                "The first persona concerned",
            ),
        ),
    }
}

fn persona_or_space(facts: &SpaceFacts) -> String {
    match facts.personas.as_slice() {
        [one] => format!("/personas/{}", one.id),
        _ => format!("/spaces/{}", facts.space_id),
    }
}

/// The persona's grants as the stage rules see them, without copying them.
fn facts_of(p: &PersonaFacts) -> impl Iterator<Item = &GrantFact> + Clone {
    p.grants.iter().map(|g| &g.fact)
}

/// Each stage's limits (index 0 is stage 1), looked up once per check rather than once
/// per persona.
fn limits_by_stage(facts: &SpaceFacts) -> [Limits; 4] {
    [1, 2, 3, 4].map(|stage| limits::of(&facts.limits, stage))
}

fn at_stage(all: &[Limits; 4], stage: u8) -> &Limits {
    &all[usize::from(stage.clamp(1, 4)) - 1]
}

/// Built-in surfaces the persona may use at its current stage.
fn active_builtins(p: &PersonaFacts) -> impl Iterator<Item = &str> {
    p.grants
        .iter()
        .filter(|g| g.fact.exposes && g.fact.min_stage <= p.stage)
        .filter_map(|g| g.builtin.as_deref())
}

fn grants_on<'a>(p: &'a PersonaFacts, keys: &'a [&str]) -> impl Iterator<Item = &'a str> + 'a {
    active_builtins(p).filter(move |k| keys.contains(k))
}

/// What each kind of continuity needs granted (active at the persona's stage), and
/// whether the persona has it.
pub fn continuity_backed(p: &PersonaFacts, kind: Continuity) -> bool {
    match kind {
        Continuity::Memory => grants_on(p, &["kv_datastore", "document_library"])
            .next()
            .is_some(),
        Continuity::Plans => grants_on(p, &["agenda", "kv_datastore", "document_library"])
            .next()
            .is_some(),
        Continuity::FollowUps => grants_on(p, &["agenda"]).next().is_some(),
        Continuity::Identity => {
            let mut surfaces: Vec<&str> = active_builtins(p).collect();
            surfaces.sort_unstable();
            surfaces.dedup();
            surfaces.len() >= 2
        }
    }
}

fn automatic(item: &Item, facts: &SpaceFacts, at: time::OffsetDateTime) -> Found {
    let space = &facts.space_id;
    let capabilities = || link(format!("/spaces/{space}"), "Capabilities of the space");
    let switches = || link("/kill-switches".into(), "Kill-switches");
    match item.key {
        "surfaces.enabled" => {
            if facts.enabled_builtins.is_empty() {
                fail(
                    "No built-in surface is switched on in this space.",
                    capabilities(),
                )
            } else {
                pass(
                    format!(
                        "{} of 7 switched on: {}.",
                        facts.enabled_builtins.len(),
                        facts.enabled_builtins.join(", ")
                    ),
                    capabilities(),
                )
            }
        }
        "surfaces.granted" => every(
            facts,
            |p| {
                p.grants
                    .iter()
                    .any(|g| g.builtin.is_some() && g.fact.exposes && g.fact.min_stage <= p.stage)
            },
            "Every persona may use a built-in surface at its current stage",
            "No built-in surface is active at the current stage for",
        ),
        "systems.registered" => {
            let usable: Vec<String> = facts
                .external_systems
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| format!("{name} ({n} actions)"))
                .collect();
            if usable.is_empty() {
                fail(
                    "No external system with listed actions is connected to this space.",
                    capabilities(),
                )
            } else {
                pass(format!("Connected: {}.", usable.join(", ")), capabilities())
            }
        }
        "systems.scoped" => every(
            facts,
            |p| {
                !p.grants.iter().any(|g| {
                    g.fact.external
                        && g.fact.min_stage <= 1
                        && g.access >= Access::Approval
                        && g.fact.environments.iter().any(|e| e == "production")
                })
            },
            "No external write or approval-gated action reaches production at the pilot stage",
            "An external write reaches production from the pilot stage for",
        ),
        "rollout.within_limits" => {
            let stages = limits_by_stage(facts);
            every(
                facts,
                |p| exposure::problems(facts_of(p), at_stage(&stages, p.stage)).is_empty(),
                "Every persona's active grants fit its stage's limits",
                "Active grants break the current stage's limits for",
            )
        }
        "rollout.audience_capped" => {
            let uncapped: Vec<String> = facts
                .limits
                .iter()
                .filter(|l| l.stage < 4 && l.audience_cap.is_none())
                .map(|l| format!("stage {}", l.stage))
                .collect();
            let stages = link(format!("/spaces/{space}"), "Rollout stages of the space");
            if uncapped.is_empty() {
                pass("Stages 1 to 3 each cap the audience.", stages)
            } else {
                fail(
                    format!("No audience cap at {}.", uncapped.join(", ")),
                    stages,
                )
            }
        }
        "rollout.next_fits" => {
            let stages = limits_by_stage(facts);
            every(
                facts,
                |p| {
                    p.stage >= 4
                        || exposure::problems(facts_of(p), at_stage(&stages, p.stage + 1))
                            .is_empty()
                },
                "Each next promotion would stay within its stage's limits",
                "The next promotion would break its stage's limits for",
            )
        }
        "rollout.deep_approvals" => {
            let needed = limits::of(&facts.limits, 4).approvals_required;
            let stages = link(format!("/spaces/{space}"), "Rollout stages of the space");
            if needed >= 2 {
                pass(format!("Stage 4 needs {needed} approvals."), stages)
            } else {
                fail(format!("Stage 4 needs only {needed} approval."), stages)
            }
        }
        "control.switches" => {
            let stopped: Vec<&PersonaFacts> =
                facts.personas.iter().filter(|p| p.switch.engaged).collect();
            if let Some(engaged) = &facts.engaged_switch {
                fail(format!("{engaged}."), switches())
            } else if !stopped.is_empty() {
                fail(
                    format!("Stopped by their own switch now: {}.", names(&stopped)),
                    switches(),
                )
            } else {
                pass(
                    "No kill-switch covering them is engaged (tenant, space, apps, capabilities, personas).",
                    switches(),
                )
            }
        }
        "control.on_call" => every(
            facts,
            |p| p.on_call,
            "Every persona has an operator on call",
            "Nobody is on call for",
        ),
        "control.reviewers" => {
            let members = link("/members".into(), "Members");
            match facts.deciders {
                0 => fail("Nobody may decide reviews.", members),
                1 => fail(
                    "Only one person may decide reviews, and nobody approves their own request.",
                    members,
                ),
                n => pass(format!("{n} people may decide reviews."), members),
            }
        }
        "control.drill" => {
            let since = at - time::Duration::days(DRILL_DAYS);
            let mut found = every(
                facts,
                |p| p.switch.last_drill_at.is_some_and(|d| d >= since),
                "Every persona's switch was drilled in the last 30 days",
                "Not drilled in the last 30 days",
            );
            found.evidence = switches();
            found
        }
        "control.queue_age" => {
            let review = link("/review".into(), "Review queue");
            match facts.oldest_waiting {
                None => pass("Nothing waits in the review queue.", review),
                Some(since) => {
                    let hours = (at - since).whole_hours();
                    let detail = format!(
                        "The oldest item has waited {hours} h (since {}).",
                        rfc3339(since)
                    );
                    if hours >= QUEUE_FAIL_HOURS {
                        fail(detail, review)
                    } else if hours >= QUEUE_WARN_HOURS {
                        warn(detail, review)
                    } else {
                        pass(detail, review)
                    }
                }
            }
        }
        "control.propagation" => {
            let mut found = every(
                facts,
                |p| {
                    p.switch
                        .last_drill_ms
                        .is_some_and(|ms| ms <= PROPAGATION_MS)
                },
                "The last drill of every persona reached every runtime within a second",
                "No drill measured under a second for",
            );
            if found.status == ItemStatus::Pass {
                let slowest = facts
                    .personas
                    .iter()
                    .filter_map(|p| p.switch.last_drill_ms)
                    .max()
                    .unwrap_or(0);
                found.detail = format!(
                    "{} (slowest: {slowest} ms).",
                    found.detail.trim_end_matches('.')
                );
            }
            found.evidence = switches();
            found
        }
        "control.trigger" => {
            let mut found = every(
                facts,
                |p| p.switch.has_trigger,
                "Every persona's switch has a trigger URL for monitoring",
                "No trigger URL for the switch of",
            );
            found.evidence = switches();
            found
        }
        "continuity.profile" => every(
            facts,
            |p| !p.continuity.is_empty(),
            "Every persona's continuity is chosen",
            "No continuity chosen for",
        ),
        "continuity.backed" => every(
            facts,
            |p| !p.continuity.is_empty() && p.continuity.iter().all(|k| continuity_backed(p, *k)),
            "Each kind of continuity has the capability it needs",
            "Continuity without the capability behind it (follow-ups need the agenda, memory a datastore or documents, one identity two surfaces) for",
        ),
        "continuity.activity" => {
            let activity = link(format!("/activity?space={space}"), "Activity");
            let weeks = facts.active_weeks;
            let detail = format!("Runtime decisions in {weeks} of the last 4 weeks.");
            if weeks >= 3 {
                pass(detail, activity)
            } else {
                fail(detail, activity)
            }
        }
        "launch.role" => every(
            facts,
            |p| p.role.trim().chars().count() >= 20,
            "Every persona's role is described",
            "No real role description (a sentence at least) for",
        ),
        "launch.native_first" => {
            let early = |p: &PersonaFacts| {
                p.grants
                    .iter()
                    .filter(|g| g.fact.external && g.fact.exposes && g.fact.min_stage <= 1)
                    .map(|g| g.access)
                    .max()
            };
            let writes: Vec<&PersonaFacts> = facts
                .personas
                .iter()
                .filter(|p| early(p).is_some_and(|a| a > Access::Read))
                .collect();
            let reads: Vec<&PersonaFacts> = facts
                .personas
                .iter()
                .filter(|p| early(p) == Some(Access::Read))
                .collect();
            if let Some(first) = writes.first() {
                fail(
                    format!(
                        "External systems may be changed from the pilot on by: {}.",
                        names(&writes)
                    ),
                    link(
                        format!("/personas/{}", first.id),
                        "The first persona concerned",
                    ),
                )
            } else if let Some(first) = reads.first() {
                warn(
                    format!(
                        "External systems are read from the pilot on by: {} (reads only).",
                        names(&reads)
                    ),
                    link(
                        format!("/personas/{}", first.id),
                        "The first persona concerned",
                    ),
                )
            } else {
                pass(
                    "At the pilot stage only built-in surfaces are active.",
                    link(persona_or_space(facts), "Grants"),
                )
            }
        }
        "launch.boundaries" => every(
            facts,
            |p| {
                !p.grants
                    .iter()
                    .any(|g| g.risky && g.access == Access::Write)
            },
            "Every risky action granted needs a person's approval",
            "A risky action runs without approval for",
        ),
        "launch.narrow" => {
            let stages = link(format!("/spaces/{space}"), "Rollout stages of the space");
            match limits::of(&facts.limits, 1).audience_cap {
                Some(cap) if cap <= NARROW_AUDIENCE => {
                    pass(format!("The pilot serves at most {cap} end users."), stages)
                }
                Some(cap) => fail(
                    format!(
                        "The pilot may serve {cap} end users; a narrow launch stays at {NARROW_AUDIENCE} or fewer."
                    ),
                    stages,
                ),
                None => fail("The pilot has no audience cap.", stages),
            }
        }
        "launch.small_external" => every(
            facts,
            |p| {
                let mut keys: Vec<&str> = p
                    .grants
                    .iter()
                    .filter(|g| g.fact.external && g.fact.exposes)
                    .map(|g| g.fact.capability_key.as_str())
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                keys.len() <= SMALL_EXTERNAL
            },
            "Each persona reaches at most 3 external systems",
            "More than 3 external systems granted to",
        ),
        _ => fail("This item has no check.", None),
    }
}

/// Every item, checked: automatic ones from the facts, attested ones from the
/// statements on record (stale after 90 days).
pub fn run(
    facts: &SpaceFacts,
    attested: &HashMap<String, Attested>,
    at: time::OffsetDateTime,
) -> Vec<Checked> {
    let stale_before = at - time::Duration::days(STALE_DAYS);
    ITEMS
        .iter()
        .map(|item| match item.kind {
            Kind::Automatic => {
                let found = automatic(item, facts, at);
                Checked {
                    item,
                    status: found.status,
                    detail: found.detail,
                    evidence: found.evidence,
                    attestation: None,
                }
            }
            Kind::Attested => match attested.get(item.key) {
                None => Checked {
                    item,
                    status: ItemStatus::Open,
                    detail: "Nobody has attested this yet.".into(),
                    evidence: None,
                    attestation: None,
                },
                Some(a) => {
                    let stale = a.at < stale_before;
                    Checked {
                        item,
                        status: if stale { ItemStatus::Stale } else { ItemStatus::Pass },
                        detail: if stale {
                            format!(
                                "Attested more than {STALE_DAYS} days ago: read it again and attest anew."
                            )
                        } else {
                            "A statement is on record.".to_string()
                        },
                        evidence: link(
                            format!("/audit?entity_id={}", a.id),
                            "Audit entry of the statement",
                        ),
                        attestation: Some(AttestedView {
                            statement: a.statement.clone(),
                            by: a.by.clone(),
                            at: rfc3339(a.at),
                            stale,
                        }),
                    }
                }
            },
        })
        .collect()
}

/// The level reached: the highest `n` such that every item of level `n` and below
/// counts. A failing lower level caps the result, whatever passes above.
pub fn level(checked: &[Checked]) -> u8 {
    let mut reached = 0;
    for n in 1..=4u8 {
        if checked
            .iter()
            .filter(|c| c.item.level <= n)
            .all(|c| c.status.counts())
        {
            reached = n;
        } else {
            break;
        }
    }
    reached
}

/// What holds the level above `level` back, a line per item.
pub fn blockers(checked: &[Checked], level: u8) -> Vec<String> {
    checked
        .iter()
        .filter(|c| c.item.level <= level + 1 && !c.status.counts())
        .map(|c| format!("{} — {}", c.item.title, c.detail))
        .collect()
}

/// Whether an item may be attested (only items the system cannot check).
pub fn attestable(key: &str) -> bool {
    catalog::item(key).is_some_and(|i| i.kind == Kind::Attested)
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
