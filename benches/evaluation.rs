//! Time to assess a full evaluation of one space with 1,000 personas (each with five
//! grants on built-in and external capabilities, a drilled kill-switch, and a continuity
//! profile), on SQLite: every item checked from live data, the level and the report
//! built. Then the promotion gate's readiness for all 1,000 personas at once (what the
//! rollout board asks). 200 runs after 20 warm-ups each; prints p50 and p99 in ms.
//! Size: PERSONA_BENCH_EVAL_PERSONAS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::db::{DatabaseUrl, connect, migrate};
use app::domain::entities::{
    capability, capability_action, evaluation, evaluation_attestation, grant, kill_switch, persona,
    space,
};
use app::domain::evaluation::{readiness, report};
use app::domain::{Ctx, demo::ensure_demo};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::time::Instant;

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn seed(ctx: &Ctx, tenant: &str, owner: &str, personas: usize) -> (space::Model, String) {
    let now = time::OffsetDateTime::now_utc();
    let txn = ctx.db.begin().await.unwrap();
    let space_id = uuid();
    let s = space::ActiveModel {
        id: Set(space_id.clone()),
        tenant_id: Set(tenant.into()),
        name: Set("Evaluation bench".into()),
        description: Set("Load".into()),
        created_at: Set(now),
        event_seq: Set(0),
        policy_version: Set(0),
    };
    space::Entity::insert(s).exec(&txn).await.unwrap();
    let mut caps = Vec::new();
    for (key, name, source) in [
        ("chat", "Chat", "builtin"),
        ("agenda", "Agenda", "builtin"),
        ("kv_datastore", "KV datastore", "builtin"),
        ("crm", "CRM", "external"),
        ("tickets", "Tickets", "external"),
    ] {
        let id = uuid();
        capability::Entity::insert(capability::ActiveModel {
            id: Set(id.clone()),
            space_id: Set(space_id.clone()),
            key: Set(key.into()),
            name: Set(name.into()),
            source: Set(source.into()),
            system_kind: Set((source == "external").then(|| "crm".to_string())),
            endpoint: Set(None),
            enabled: Set(true),
            created_at: Set(now),
        })
        .exec(&txn)
        .await
        .unwrap();
        for (action, access, risky) in [("read_x", "read", false), ("write_x", "write", true)] {
            capability_action::Entity::insert(capability_action::ActiveModel {
                id: Set(uuid()),
                capability_id: Set(id.clone()),
                name: Set(action.into()),
                access: Set(access.into()),
                high_risk: Set(risky),
                financial: Set(false),
                privileged: Set(false),
                irreversible: Set(false),
            })
            .exec(&txn)
            .await
            .unwrap();
        }
        caps.push(id);
    }
    let ids: Vec<String> = (0..personas).map(|_| uuid()).collect();
    for chunk in ids.chunks(200) {
        let mut rows = Vec::new();
        let mut grants = Vec::new();
        let mut switches = Vec::new();
        for (n, id) in chunk.iter().enumerate() {
            rows.push(persona::ActiveModel {
                id: Set(id.clone()),
                space_id: Set(space_id.clone()),
                name: Set(format!("Persona {id}")),
                name_folded: Set(format!("persona {id}")),
                role_description: Set("Answers order questions and files tickets.".into()),
                stage: Set(1 + (n % 3) as i16),
                status: Set("active".into()),
                created_at: Set(now),
                owner_user_id: Set(None),
                on_call_user_id: Set(Some(owner.into())),
                continuity: Set("memory,follow_ups".into()),
                version: Set(1),
            });
            for (c, (cap, action)) in caps
                .iter()
                .zip(["", "read_x", "", "read_x", "write_x"])
                .enumerate()
            {
                grants.push(grant::ActiveModel {
                    id: Set(uuid()),
                    persona_id: Set(id.clone()),
                    capability_id: Set(cap.clone()),
                    action_name: Set(action.into()),
                    access: Set(if c == 4 { "approval" } else { "read" }.into()),
                    environments: Set(r#"["sandbox","production"]"#.into()),
                    min_stage: Set(if c >= 3 { 2 } else { 1 }),
                    reason: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
            switches.push(kill_switch::ActiveModel {
                id: Set(uuid()),
                tenant_id: Set(tenant.into()),
                space_id: Set(Some(space_id.clone())),
                scope: Set("persona".into()),
                scope_id: Set(id.clone()),
                engaged: Set(false),
                reason: Set(String::new()),
                engaged_by: Set(None),
                engaged_at: Set(None),
                released_by: Set(None),
                released_at: Set(None),
                last_drill_at: Set(Some(now - time::Duration::days(3))),
                last_drill_by: Set(Some(owner.into())),
                last_drill_ms: Set(Some(40)),
            });
        }
        persona::Entity::insert_many(rows).exec(&txn).await.unwrap();
        grant::Entity::insert_many(grants).exec(&txn).await.unwrap();
        kill_switch::Entity::insert_many(switches)
            .exec(&txn)
            .await
            .unwrap();
    }
    let eval_id = uuid();
    evaluation::Entity::insert(evaluation::ActiveModel {
        id: Set(eval_id.clone()),
        tenant_id: Set(tenant.into()),
        space_id: Set(space_id.clone()),
        persona_id: Set(None),
        title: Set("Bench".into()),
        created_by: Set(owner.into()),
        created_at: Set(now),
        updated_at: Set(now),
        step: Set(1),
        // Completed once: only completed evaluations feed the promotion gate.
        state: Set("completed".into()),
        completed_at: Set(Some(now)),
    })
    .exec(&txn)
    .await
    .unwrap();
    for key in [
        "surfaces.fit",
        "systems.matter",
        "continuity.meaning",
        "launch.workflow",
    ] {
        evaluation_attestation::Entity::insert(evaluation_attestation::ActiveModel {
            id: Set(uuid()),
            evaluation_id: Set(eval_id.clone()),
            item_key: Set(key.into()),
            statement: Set("Checked with the team lead this week.".into()),
            attested_by: Set(owner.into()),
            attested_at: Set(now),
        })
        .exec(&txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    let s = space::Entity::find_by_id(space_id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    (s, eval_id)
}

fn summary(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 * p) as usize).min(ms.len() - 1)];
    println!(
        "{name} p50_ms={:.2} p99_ms={:.2} n={}",
        at(0.5),
        at(0.99),
        ms.len()
    );
}

#[tokio::main]
async fn main() {
    let personas: usize = std::env::var("PERSONA_BENCH_EVAL_PERSONAS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}/bench.db", dir.path().display())).unwrap();
    let db = connect(&url).await.unwrap();
    migrate(&db).await.unwrap();
    let ctx = Ctx::new(db).unwrap();
    let demo = ensure_demo(&ctx).await.unwrap();
    let owner = app::domain::entities::user::Entity::find()
        .filter(app::domain::entities::user::Column::Email.eq(demo.login.email.as_str()))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (space, eval_id) = seed(&ctx, demo.tenant_id.as_str(), &owner, personas).await;
    let e = evaluation::Entity::find_by_id(eval_id)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let all = persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(space.id.as_str()))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(all.len(), personas);

    let mut full = Vec::new();
    for run in 0..220 {
        let started = Instant::now();
        let assessed = report::assess(&ctx.db, &e, app::domain::now())
            .await
            .unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(assessed.report.questions.len(), 6);
        if run >= 20 {
            full.push(ms);
        }
    }
    summary(&format!("evaluation_full personas={personas}"), full);

    let mut gate = Vec::new();
    for run in 0..220 {
        let started = Instant::now();
        let levels = readiness::for_personas(&ctx.db, &space.id, &all, app::domain::now())
            .await
            .unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(levels.len(), personas);
        if run >= 20 {
            gate.push(ms);
        }
    }
    summary(&format!("readiness_gate personas={personas}"), gate);
}
