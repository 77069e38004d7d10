//! The decision rule alone (criterion): a persona with 100 grants (10 capabilities × 10
//! actions), asked about an action near the end of its list, the worst case of the
//! grant lookup. Target: median ≤ 10 µs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::policy::decide::{Ask, GrantRule, PersonaPolicy, Requested, decide};
use app::types::Access;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn policy() -> PersonaPolicy {
    let mut grants = Vec::new();
    for c in 0..10 {
        for a in 0..10 {
            grants.push(GrantRule {
                capability: format!("system-{c}"),
                action: Some(format!("action_{a}")),
                access: if (a + c) % 3 == 0 {
                    Access::Read
                } else {
                    Access::Write
                },
                environments: vec!["sandbox".into(), "production".into()],
                min_stage: 1 + (a % 2),
            });
        }
    }
    PersonaPolicy {
        stage: 2,
        halted: false,
        halted_capabilities: vec!["system-3".into()],
        grants,
    }
}

fn bench(c: &mut Criterion) {
    let policy = policy();
    let allowed = Ask {
        capability: "system-9",
        action: Some("action_8"),
        access: Requested::Write,
        environment: "production",
    };
    let no_grant = Ask {
        capability: "system-9",
        action: Some("action_unknown"),
        access: Requested::Read,
        environment: "production",
    };
    c.bench_function("decide_100_grants_allow", |b| {
        b.iter(|| decide(black_box(&policy), black_box(&allowed)))
    });
    c.bench_function("decide_100_grants_no_grant", |b| {
        b.iter(|| decide(black_box(&policy), black_box(&no_grant)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
