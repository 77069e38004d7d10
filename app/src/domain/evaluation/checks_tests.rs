//! Each automatic check against facts that make it pass and facts that make it fail,
//! level capping, and the staleness of attestations.

use super::*;
use crate::domain::evaluation::data::{GrantRow, SwitchFacts};
use crate::domain::rollout::limits::default_for;

fn at() -> time::OffsetDateTime {
    time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(1000)
}

fn grant(key: &str, builtin: bool, access: Access, envs: &[&str], min_stage: u8) -> GrantRow {
    GrantRow {
        fact: GrantFact {
            label: format!("{access} · {key}"),
            capability_key: key.into(),
            external: !builtin,
            environments: envs.iter().map(|e| e.to_string()).collect(),
            min_stage,
            exposes: access != Access::Denied,
        },
        builtin: builtin.then(|| key.to_string()),
        access,
        risky: false,
    }
}

/// A persona and space that pass every automatic check.
fn ready() -> SpaceFacts {
    let persona = PersonaFacts {
        id: "p1".into(),
        name: "Ava".into(),
        stage: 2,
        role: "Support concierge: answers order questions.".into(),
        on_call: true,
        continuity: vec![
            Continuity::Memory,
            Continuity::FollowUps,
            Continuity::Identity,
        ],
        grants: vec![
            grant("chat", true, Access::Write, &["sandbox"], 1),
            grant("agenda", true, Access::Write, &["sandbox"], 1),
            grant("kv_datastore", true, Access::Write, &["sandbox"], 1),
            grant("zendesk", false, Access::Write, &["production"], 2),
        ],
        switch: SwitchFacts {
            engaged: false,
            last_drill_at: Some(at() - time::Duration::days(3)),
            last_drill_ms: Some(40),
            has_trigger: true,
        },
    };
    SpaceFacts {
        space_id: "s1".into(),
        enabled_builtins: vec!["Chat".into(), "Agenda".into()],
        external_systems: vec![("Zendesk".into(), 3)],
        limits: (1..=4).map(default_for).collect(),
        engaged_switch: None,
        deciders: 2,
        oldest_waiting: None,
        active_weeks: 4,
        personas: vec![persona],
    }
}

fn all_attested() -> HashMap<String, Attested> {
    ITEMS
        .iter()
        .filter(|i| i.kind == Kind::Attested)
        .map(|i| {
            (
                i.key.to_string(),
                Attested {
                    id: format!("att-{}", i.key),
                    statement: "We checked this with the support lead.".into(),
                    by: "Eve".into(),
                    at: at() - time::Duration::days(1),
                },
            )
        })
        .collect()
}

fn status(facts: &SpaceFacts, key: &str) -> ItemStatus {
    run(facts, &all_attested(), at())
        .into_iter()
        .find(|c| c.item.key == key)
        .map(|c| c.status)
        .unwrap_or(ItemStatus::Fail)
}

fn item<'a>(checked: &'a [Checked], key: &str) -> &'a Checked {
    match checked.iter().find(|c| c.item.key == key) {
        Some(c) => c,
        None => panic!("no item {key}"),
    }
}

fn p(f: &mut SpaceFacts) -> &mut PersonaFacts {
    &mut f.personas[0]
}

#[test]
fn a_ready_deployment_passes_every_item_and_reaches_level_four() {
    let checked = run(&ready(), &all_attested(), at());
    for c in &checked {
        assert_eq!(c.status, ItemStatus::Pass, "{}: {}", c.item.key, c.detail);
        if c.item.kind == Kind::Automatic {
            assert!(c.evidence.is_some(), "{} links its evidence", c.item.key);
        }
    }
    assert_eq!(level(&checked), 4);
    assert!(blockers(&checked, 4).is_empty());
}

/// For every automatic item, one change to the facts that makes it fail (or warn).
#[test]
fn each_automatic_check_fails_on_its_own_fact() {
    type Break = fn(&mut SpaceFacts);
    let cases: &[(&str, Break, ItemStatus)] = &[
        (
            "surfaces.enabled",
            |f| f.enabled_builtins.clear(),
            ItemStatus::Fail,
        ),
        (
            "surfaces.granted",
            |f| p(f).grants.retain(|g| g.builtin.is_none()),
            ItemStatus::Fail,
        ),
        (
            "systems.registered",
            |f| f.external_systems = vec![("CRM".into(), 0)],
            ItemStatus::Fail,
        ),
        (
            "systems.scoped",
            |f| {
                p(f).grants
                    .push(grant("crm", false, Access::Write, &["production"], 1))
            },
            ItemStatus::Fail,
        ),
        (
            "rollout.within_limits",
            |f| {
                p(f).stage = 1;
                p(f).grants
                    .push(grant("crm", false, Access::Read, &["sandbox"], 1));
            },
            ItemStatus::Fail,
        ),
        (
            "rollout.audience_capped",
            |f| f.limits[2].audience_cap = None,
            ItemStatus::Fail,
        ),
        (
            "rollout.next_fits",
            |f| {
                for k in ["a", "b", "c", "d", "e", "f"] {
                    p(f).grants
                        .push(grant(k, false, Access::Read, &["staging"], 3));
                }
            },
            ItemStatus::Fail,
        ),
        (
            "rollout.deep_approvals",
            |f| f.limits[3].approvals_required = 1,
            ItemStatus::Fail,
        ),
        (
            "control.switches",
            |f| p(f).switch.engaged = true,
            ItemStatus::Fail,
        ),
        (
            "control.on_call",
            |f| p(f).on_call = false,
            ItemStatus::Fail,
        ),
        ("control.reviewers", |f| f.deciders = 1, ItemStatus::Fail),
        (
            "control.drill",
            |f| p(f).switch.last_drill_at = Some(at() - time::Duration::days(31)),
            ItemStatus::Fail,
        ),
        (
            "control.queue_age",
            |f| f.oldest_waiting = Some(at() - time::Duration::hours(25)),
            ItemStatus::Fail,
        ),
        (
            "control.propagation",
            |f| p(f).switch.last_drill_ms = Some(1500),
            ItemStatus::Fail,
        ),
        (
            "control.trigger",
            |f| p(f).switch.has_trigger = false,
            ItemStatus::Fail,
        ),
        (
            "continuity.profile",
            |f| p(f).continuity.clear(),
            ItemStatus::Fail,
        ),
        (
            "continuity.backed",
            |f| {
                p(f).grants
                    .retain(|g| g.fact.capability_key != "kv_datastore")
            },
            ItemStatus::Fail,
        ),
        (
            "continuity.activity",
            |f| f.active_weeks = 2,
            ItemStatus::Fail,
        ),
        (
            "launch.role",
            |f| p(f).role = "Helper".into(),
            ItemStatus::Fail,
        ),
        (
            "launch.native_first",
            |f| {
                p(f).grants
                    .push(grant("crm", false, Access::Approval, &["sandbox"], 1))
            },
            ItemStatus::Fail,
        ),
        (
            "launch.boundaries",
            |f| {
                let mut g = grant("billing", true, Access::Write, &["sandbox"], 2);
                g.risky = true;
                p(f).grants.push(g);
            },
            ItemStatus::Fail,
        ),
        (
            "launch.narrow",
            |f| f.limits[0].audience_cap = Some(5000),
            ItemStatus::Fail,
        ),
        (
            "launch.small_external",
            |f| {
                for k in ["a", "b", "c"] {
                    p(f).grants
                        .push(grant(k, false, Access::Read, &["staging"], 2));
                }
            },
            ItemStatus::Fail,
        ),
    ];
    let automatic: Vec<&str> = ITEMS
        .iter()
        .filter(|i| i.kind == Kind::Automatic)
        .map(|i| i.key)
        .collect();
    for key in &automatic {
        assert!(
            cases.iter().any(|(k, _, _)| k == key),
            "{key} has no failing case"
        );
    }
    for (key, break_it, want) in cases {
        assert_eq!(
            status(&ready(), key),
            ItemStatus::Pass,
            "{key} passes first"
        );
        let mut facts = ready();
        break_it(&mut facts);
        assert_eq!(status(&facts, key), *want, "{key}");
    }
}

#[test]
fn warnings_do_not_hold_a_level_back_and_the_queue_warns_before_it_fails() {
    let mut facts = ready();
    facts.oldest_waiting = Some(at() - time::Duration::hours(5));
    assert_eq!(status(&facts, "control.queue_age"), ItemStatus::Warning);
    p(&mut facts)
        .grants
        .push(grant("crm", false, Access::Read, &["staging"], 1));
    assert_eq!(status(&facts, "launch.native_first"), ItemStatus::Warning);
    assert_eq!(level(&run(&facts, &all_attested(), at())), 4);
}

#[test]
fn an_engaged_switch_anywhere_above_the_persona_fails_control() {
    let mut facts = ready();
    facts.engaged_switch = Some("The app kill-switch is engaged: bad release".into());
    assert_eq!(status(&facts, "control.switches"), ItemStatus::Fail);
    assert_eq!(level(&run(&facts, &all_attested(), at())), 0);
}

#[test]
fn continuity_counts_only_capabilities_active_at_the_current_stage() {
    let mut facts = ready();
    for g in &mut p(&mut facts).grants {
        if g.fact.capability_key == "kv_datastore" {
            g.fact.min_stage = 4;
        }
    }
    assert_eq!(status(&facts, "continuity.backed"), ItemStatus::Fail);
}

#[test]
fn a_space_evaluation_names_the_personas_that_fail() {
    let mut facts = ready();
    let mut otto = facts.personas[0].clone();
    otto.id = "p2".into();
    otto.name = "Otto".into();
    otto.on_call = false;
    facts.personas.push(otto);
    let checked = run(&facts, &all_attested(), at());
    let on_call = item(&checked, "control.on_call");
    assert_eq!(on_call.status, ItemStatus::Fail);
    assert!(
        on_call.detail.contains("Otto") && !on_call.detail.contains("Ava"),
        "{}",
        on_call.detail
    );
    assert_eq!(
        on_call.evidence.as_ref().map(|e| e.href.as_str()),
        Some("/personas/p2")
    );
}

#[test]
fn a_failing_lower_level_caps_the_result_whatever_passes_above() {
    let mut facts = ready();
    p(&mut facts).on_call = false; // a level-1 item
    let checked = run(&facts, &all_attested(), at());
    assert_eq!(level(&checked), 0);
    let blocking = blockers(&checked, 0);
    assert_eq!(blocking.len(), 1, "{blocking:?}");
    assert!(blocking[0].contains("on call"));

    let mut facts = ready();
    p(&mut facts).switch.last_drill_ms = None; // level 3
    let checked = run(&facts, &all_attested(), at());
    assert_eq!(level(&checked), 2, "level 4 passes but level 3 caps it");
}

#[test]
fn unattested_items_are_open_and_old_attestations_turn_stale() {
    let mut attested = all_attested();
    attested.remove("surfaces.fit");
    let checked = run(&ready(), &attested, at());
    let fit = item(&checked, "surfaces.fit");
    assert_eq!(fit.status, ItemStatus::Open);
    assert_eq!(level(&checked), 0);

    let mut attested = all_attested();
    if let Some(a) = attested.get_mut("control.runbook") {
        a.at = at() - time::Duration::days(91);
    }
    let checked = run(&ready(), &attested, at());
    let runbook = item(&checked, "control.runbook");
    assert_eq!(runbook.status, ItemStatus::Stale);
    assert!(runbook.attestation.as_ref().is_some_and(|a| a.stale));
    assert_eq!(level(&checked), 3);
    // Day 89 is still fresh.
    if let Some(a) = attested.get_mut("control.runbook") {
        a.at = at() - time::Duration::days(89);
    }
    assert_eq!(level(&run(&ready(), &attested, at())), 4);
}

#[test]
fn only_items_the_system_cannot_check_are_attestable() {
    assert!(attestable("surfaces.fit"));
    assert!(!attestable("control.drill"));
    assert!(!attestable("no.such.item"));
}
