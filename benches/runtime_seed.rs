//! Seeds a database for the runtime API load benchmark (`scripts/bench.sh`): the demo
//! tenant plus a space of 1,000 personas at stage 2 with 100 grants each (10 capabilities
//! × 10 actions), and a runtime token of that space with every scope. Writes the token
//! and the persona ids as JSON to stdout. The database is the file PERSONA_BENCH_DB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::Ctx;
use app::domain::auth::login::cli_actor;
use app::domain::db::{DatabaseUrl, connect, migrate};
use app::domain::demo::ensure_demo;
use app::domain::entities::{capability, environment, grant, persona, space};
use app::domain::tokens::issue::{NewToken, issue_token};
use app::types::RuntimeScope;
use sea_orm::{EntityTrait, Set, TransactionTrait};

const PERSONAS: usize = 1_000;
const CAPABILITIES: usize = 10;
const ACTIONS: usize = 10;

#[tokio::main]
async fn main() {
    let path = std::env::var("PERSONA_BENCH_DB").expect("PERSONA_BENCH_DB: where to write");
    let url = DatabaseUrl::parse(&format!("sqlite://{path}")).unwrap();
    let db = connect(&url).await.unwrap();
    migrate(&db).await.unwrap();
    let ctx = Ctx::new(db).unwrap();
    let demo = ensure_demo(&ctx).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    let space_id = uuid::Uuid::now_v7().to_string();

    let txn = ctx.db.begin().await.unwrap();
    space::Entity::insert(space::ActiveModel {
        id: Set(space_id.clone()),
        tenant_id: Set(demo.tenant_id.to_string()),
        name: Set("Runtime bench".into()),
        description: Set("1,000 personas × 100 grants".into()),
        created_at: Set(now),
        event_seq: Set(0),
        policy_version: Set(1),
    })
    .exec(&txn)
    .await
    .unwrap();
    for env in ["sandbox", "staging", "production"] {
        environment::Entity::insert(environment::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            space_id: Set(space_id.clone()),
            name: Set(env.into()),
            created_at: Set(now),
        })
        .exec(&txn)
        .await
        .unwrap();
    }
    let mut caps = Vec::new();
    for c in 0..CAPABILITIES {
        let id = uuid::Uuid::now_v7().to_string();
        capability::Entity::insert(capability::ActiveModel {
            id: Set(id.clone()),
            space_id: Set(space_id.clone()),
            key: Set(format!("system-{c}")),
            name: Set(format!("System {c}")),
            source: Set("external".into()),
            system_kind: Set(Some("other".into())),
            endpoint: Set(Some(format!("https://system-{c}.example"))),
            enabled: Set(true),
            created_at: Set(now),
        })
        .exec(&txn)
        .await
        .unwrap();
        caps.push(id);
    }
    let mut ids = Vec::with_capacity(PERSONAS);
    for chunk in (0..PERSONAS).collect::<Vec<_>>().chunks(100) {
        let mut personas = Vec::new();
        let mut grants = Vec::new();
        for p in chunk {
            let id = uuid::Uuid::now_v7().to_string();
            ids.push(id.clone());
            personas.push(persona::ActiveModel {
                id: Set(id.clone()),
                space_id: Set(space_id.clone()),
                name: Set(format!("Bench persona {p:04}")),
                name_folded: Set(format!("bench persona {p:04}")),
                role_description: Set("Load".into()),
                stage: Set(2),
                status: Set("active".into()),
                created_at: Set(now),
                owner_user_id: Set(None),
                on_call_user_id: Set(None),
                continuity: Set("memory".into()),
                version: Set(1),
            });
            for (c, cap) in caps.iter().enumerate() {
                for a in 0..ACTIONS {
                    grants.push(grant::ActiveModel {
                        id: Set(uuid::Uuid::now_v7().to_string()),
                        persona_id: Set(id.clone()),
                        capability_id: Set(cap.clone()),
                        action_name: Set(format!("action_{a}")),
                        access: Set(if (a + c) % 3 == 0 { "read" } else { "write" }.into()),
                        environments: Set(r#"["sandbox","production"]"#.into()),
                        min_stage: Set(1 + ((a % 2) as i16)),
                        reason: Set(None),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
        }
        persona::Entity::insert_many(personas)
            .exec(&txn)
            .await
            .unwrap();
        for g in grants.chunks(500) {
            grant::Entity::insert_many(g.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
    }
    txn.commit().await.unwrap();

    let owner = cli_actor(&ctx, &demo.login.email, demo.tenant_id.as_str())
        .await
        .unwrap();
    let scopes: Vec<String> = RuntimeScope::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let issued = issue_token(
        &ctx,
        &owner,
        &space_id.parse().unwrap(),
        NewToken {
            name: "load benchmark",
            scopes: &scopes,
            expires_in_days: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    println!(
        "{}",
        serde_json::json!({
            "token": issued.token,
            "personas": ids,
            "capabilities": caps,
            "login": { "email": demo.login.email, "password": demo.login.password },
        })
    );
}
