//! Server time of the console's heaviest pages at scale: 10,000 personas (in 10 spaces,
//! each with 5 grants) and 1,000,000 audit entries in one tenant, on SQLite. Each page is
//! rendered whole (SSR, through the real router, with a signed-in session) 200 times after
//! 20 warm-ups; prints p50 and p99 in milliseconds. Sizes: PERSONA_BENCH_PERSONAS,
//! PERSONA_BENCH_AUDIT_ENTRIES.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::audit::chain::entry_hash;
use app::domain::db::{DatabaseUrl, connect, migrate};
use app::domain::entities::{audit_entry, capability, grant, persona, space, tenant};
use app::domain::{Ctx, demo::ensure_demo};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use std::net::SocketAddr;
use std::time::Instant;
use tower::ServiceExt;

fn env_or(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn seed(ctx: &Ctx, tenant: &str, personas: i64, entries: i64) -> String {
    let db = &ctx.db;
    let now = time::OffsetDateTime::now_utc();
    // The demo's Customer Support space has chat enabled: grants in the new spaces name
    // capabilities of their own space, so each gets a chat capability too.
    let txn = db.begin().await.unwrap();
    let mut last_persona = String::new();
    for s in 0..10 {
        let space_id = uuid::Uuid::now_v7().to_string();
        space::Entity::insert(space::ActiveModel {
            id: Set(space_id.clone()),
            tenant_id: Set(tenant.into()),
            name: Set(format!("Bench space {s:02}")),
            description: Set("Load".into()),
            created_at: Set(now),
            event_seq: Set(0),
            policy_version: Set(0),
        })
        .exec(&txn)
        .await
        .unwrap();
        let cap_id = uuid::Uuid::now_v7().to_string();
        capability::Entity::insert(capability::ActiveModel {
            id: Set(cap_id.clone()),
            space_id: Set(space_id.clone()),
            key: Set("chat".into()),
            name: Set("Chat".into()),
            source: Set("builtin".into()),
            system_kind: Set(None),
            endpoint: Set(None),
            enabled: Set(true),
            created_at: Set(now),
        })
        .exec(&txn)
        .await
        .unwrap();
        let per_space = personas / 10;
        for chunk in (0..per_space).collect::<Vec<_>>().chunks(500) {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut grants = Vec::with_capacity(chunk.len() * 5);
            for p in chunk {
                let id = uuid::Uuid::now_v7().to_string();
                last_persona = id.clone();
                rows.push(persona::ActiveModel {
                    id: Set(id.clone()),
                    space_id: Set(space_id.clone()),
                    name: Set(format!("Persona {s:02}-{p:05}")),
                    name_folded: Set(format!("persona {s:02}-{p:05}")),
                    role_description: Set("Answers questions.".into()),
                    stage: Set(1 + (*p % 4) as i16),
                    status: Set("active".into()),
                    created_at: Set(now),
                    owner_user_id: Set(None),
                    on_call_user_id: Set(None),
                    continuity: Set("memory".into()),
                    version: Set(1),
                });
                for a in ["read_messages", "send_message", "", "x1", "x2"] {
                    grants.push(grant::ActiveModel {
                        id: Set(uuid::Uuid::now_v7().to_string()),
                        persona_id: Set(id.clone()),
                        capability_id: Set(cap_id.clone()),
                        action_name: Set(a.into()),
                        access: Set("write".into()),
                        environments: Set(r#"["sandbox"]"#.into()),
                        min_stage: Set(1),
                        reason: Set(None),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
            persona::Entity::insert_many(rows).exec(&txn).await.unwrap();
            grant::Entity::insert_many(grants).exec(&txn).await.unwrap();
        }
    }
    txn.commit().await.unwrap();

    let last = audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant))
        .order_by_desc(audit_entry::Column::Seq)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let (mut seq, mut prev) = (last.seq + 1, last.hash);
    let end = seq + entries;
    while seq < end {
        let txn = db.begin().await.unwrap();
        let mut batch = Vec::with_capacity(1000);
        for _ in 0..1000.min(end - seq) {
            let mut e = audit_entry::Model {
                id: uuid::Uuid::now_v7().to_string(),
                tenant_id: tenant.into(),
                seq,
                occurred_at_micros: 1_764_000_000_000_000 + seq,
                actor_user_id: last.actor_user_id.clone(),
                actor_role: "operator".into(),
                action: "grant.updated".into(),
                entity_type: "grant".into(),
                entity_id: last_persona.clone(),
                diff: format!(
                    r#"{{"before":{{"min_stage":1}},"after":{{"min_stage":2,"n":{seq}}}}}"#
                ),
                ip: Some("10.1.2.3".into()),
                user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Chrome/156".into()),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = entry_hash(&e);
            prev = e.hash.clone();
            seq += 1;
            batch.push(audit_entry::ActiveModel::from(e));
        }
        audit_entry::Entity::insert_many(batch)
            .exec(&txn)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    // Bulk inserts bypass `record`, so the tenant's chain head is moved here once.
    tenant::Entity::update(tenant::ActiveModel {
        id: Set(tenant.to_string()),
        audit_head_seq: Set(end - 1),
        audit_head_hash: Set(prev),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap();
    last_persona
}

async fn send(router: &axum::Router, req: Request<Body>) -> (u16, Vec<u8>, axum::http::HeaderMap) {
    let mut req = req;
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, body, headers)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let personas = env_or("PERSONA_BENCH_PERSONAS", 10_000);
    let entries = env_or("PERSONA_BENCH_AUDIT_ENTRIES", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}/bench.db", dir.path().display())).unwrap();
    let db = connect(&url).await.unwrap();
    migrate(&db).await.unwrap();
    let ctx = Ctx::new(db).unwrap();
    let demo = ensure_demo(&ctx).await.unwrap();
    let started = Instant::now();
    let persona_id = seed(&ctx, demo.tenant_id.as_str(), personas, entries).await;
    eprintln!(
        "seeded {personas} personas and {entries} audit entries in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let state = persona_console::state::AppState::new(
        persona_console::server::leptos_options(
            &std::env::temp_dir().to_string_lossy(),
            "127.0.0.1:3000".parse().unwrap(),
        ),
        ctx.clone(),
        persona_console::config::WebConfig::default(),
    );
    let router = persona_console::router::build(state);
    let body = format!(
        "email={}&password={}",
        demo.login.email.replace('@', "%40"),
        demo.login.password
    );
    let (status, _, headers) = send(
        &router,
        Request::post("/auth/login")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(status, 303);
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();

    let a_space = space::Entity::find()
        .filter(space::Column::Name.eq("Bench space 03"))
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let pages = [
        ("persona_list", "/personas".to_string()),
        (
            "persona_list_filtered",
            format!("/personas?space={}&stage=2&q=persona%2003", a_space.id),
        ),
        ("persona_list_page_100", {
            // A deep page: the cursor is the last persona of page 100 (keyset, no OFFSET).
            let deep = persona::Entity::find()
                .order_by_asc(persona::Column::Name)
                .order_by_asc(persona::Column::Id)
                .all(&ctx.db)
                .await
                .unwrap();
            format!(
                "/personas?after={}",
                deep[(50 * 100).min(deep.len() - 1)].id
            )
        }),
        ("persona_detail", format!("/personas/{persona_id}")),
        ("audit_log", "/audit".to_string()),
        (
            "audit_log_filtered",
            "/audit?entity_type=grant&action=grant".to_string(),
        ),
    ];
    for (name, path) in pages {
        let mut times = Vec::with_capacity(200);
        for i in 0..220 {
            let req = Request::get(path.as_str())
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, cookie.as_str())
                .body(Body::empty())
                .unwrap();
            let t = Instant::now();
            let (status, body, _) = send(&router, req).await;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&body));
            if i >= 20 {
                times.push(ms);
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "page={name} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} n={}",
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            times[times.len() - 1],
            times.len()
        );
    }
}
