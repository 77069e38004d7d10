//! The runtime API as an outside client sees it: a real server on a TCP port, plain HTTP
//! and JSON (`serde_json::Value`, no shared Rust types). Setup (tokens, grants,
//! switches) goes through the console's own services, as an operator would click it.
//! Every endpoint, every decision rule in the contract's order, every error status,
//! ETag 304, idempotent events, stream replay and revocation. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use app::domain::Actor;
use app::domain::auth::login::cli_actor;
use app::domain::demo::Demo;
use app::domain::entities::{capability, decision, grant, runtime_event, stream_event};
use app::domain::grants::{SetGrant, set_grant};
use app::domain::killswitch::{SwitchTarget, engage};
use app::domain::runtime::snapshot::SwitchScope;
use app::domain::tokens::issue::{NewToken, issue_token};
use app::domain::tokens::revoke::revoke_token;
use app::types::{PersonaId, RuntimeScope};
use persona_console::config::WebConfig;
use persona_console::runtime::rate_limit::RateLimit;

on_both_databases!(
    every_decision_rule_answers_in_the_contracts_order,
    policy_carries_an_etag_and_answers_304_until_something_changes,
    every_error_has_the_contracts_shape_and_changes_nothing,
    events_are_counted_once_per_idempotency_key,
    narrowed_tokens_reach_only_their_persona_and_app,
    the_stream_sends_changes_replays_what_was_missed_and_closes_on_revocation,
    streams_share_one_http2_connection_and_end_alone_on_revocation,
    a_token_over_its_rate_gets_429_with_retry_after,
    the_activity_feed_explains_decisions_and_stays_inside_the_tenant,
    a_reviewer_decides_an_action_and_the_runtime_hears_it,
    a_switch_is_released_by_a_second_person_and_drills_are_measured,
    a_promotion_passes_gates_and_approvals_and_demotion_is_immediate,
    the_board_draws_stages_from_changes_inside_its_window,
    a_trigger_url_stops_a_persona_without_a_person,
    a_space_with_more_grants_than_one_read_is_answered_whole,
);

/// The decision recorder's own connection (SQLite files, Linux): its worker thread runs
/// at the lowest priority, and every decision is written exactly once, whether the
/// background write commits or overruns its budget and is redone through the pool.
/// After an overrun the pool writes for a spell of time, then the background is tried
/// again, however few flushes fell inside the spell.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recorder_writes_at_low_priority_and_gives_way_without_losing_a_decision() {
    use app::domain::runtime::background_writer::{BackgroundWriter, Lanes};
    use app::domain::runtime::thread_priority::{LOWEST, is_idle, nice_of};

    let o = serve(TestApp::new(common::TestDb::sqlite()).await).await;
    let token = o.full_token(&o.space("Support")).await;
    let ava = o.persona("Ava");
    let writer = BackgroundWriter::open(&o.app.db.url)
        .await
        .unwrap()
        .expect("a SQLite file gets a writer of its own");
    let thread = writer.thread().to_owned();
    assert_eq!(nice_of(&thread), Some(LOWEST));
    assert!(
        writer.idle(),
        "SQLite's worker inherits SCHED_IDLE from the thread that opened it"
    );
    let ctx = &o.app.ctx;
    let decide = |n: usize| {
        let (o, token, ava) = (&o, &token, &ava);
        async move {
            for _ in 0..n {
                let r = o
                    .decide(token, ask(ava, "chat", None, "read", "sandbox"))
                    .await;
                assert_eq!(r.status, 200, "{}", r.json);
            }
        }
    };
    let stored = || async { decision::Entity::find().count(&ctx.db).await.unwrap() };

    // Room to spare: the background connection writes the batch.
    decide(40).await;
    let mut lanes = Lanes::new(Some(writer));
    let log = &ctx.runtime.log;
    let hub = &ctx.runtime.hub;
    assert_eq!(
        log.flush_through(&ctx.db, &mut lanes, hub).await.unwrap(),
        40
    );
    assert_eq!((lanes.written(), lanes.overruns()), (1, 0));
    assert_eq!(stored().await, 40);
    assert_eq!(
        nice_of(&thread),
        Some(LOWEST),
        "still lowered after writing"
    );
    assert_eq!(is_idle(&thread), Some(true), "and still idle");

    // No room (a budget of nothing): the background write passes its deadline after its
    // first statement, is rolled back, and the pool writes the whole batch, once.
    let spell = Duration::from_secs(3);
    let mut lanes = lanes.with_budget(Duration::ZERO).with_foreground_for(spell);
    decide(100).await;
    // The overrun, and so the spell's start, falls between these two instants.
    let before_overrun = std::time::Instant::now();
    assert_eq!(
        log.flush_through(&ctx.db, &mut lanes, hub).await.unwrap(),
        100
    );
    let after_overrun = std::time::Instant::now();
    assert_eq!((lanes.written(), lanes.overruns()), (1, 1));
    assert_eq!(stored().await, 140);

    // For the spell after it, the pool writes every flush...
    for round in 0..3 {
        decide(1).await;
        assert_eq!(
            log.flush_through(&ctx.db, &mut lanes, hub).await.unwrap(),
            1
        );
        assert_eq!(lanes.overruns(), 1, "round {round} went to the background");
    }
    assert!(
        before_overrun.elapsed() < spell,
        "the rounds above must fall inside the spell to show anything"
    );
    // ...and once it has surely passed, idle as it was (no flush in between), the
    // background is tried again.
    tokio::time::sleep(spell.saturating_sub(after_overrun.elapsed())).await;
    decide(1).await;
    assert_eq!(
        log.flush_through(&ctx.db, &mut lanes, hub).await.unwrap(),
        1
    );
    assert_eq!(lanes.overruns(), 2, "the background was tried again");
    assert_eq!(stored().await, 140 + 3 + 1);
    assert_eq!(log.dropped(), 0);
}

/// Where a low-priority thread gains nothing, there is none: PostgreSQL works in its own
/// processes, and an in-memory SQLite database has one connection only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recorder_has_no_connection_of_its_own_where_it_would_gain_nothing() {
    use app::domain::db::DatabaseUrl;
    use app::domain::runtime::background_writer::BackgroundWriter;
    let memory = DatabaseUrl::parse("sqlite::memory:").unwrap();
    assert!(BackgroundWriter::open(&memory).await.unwrap().is_none());
    if let Some(db) = common::TestDb::postgres().await {
        assert!(BackgroundWriter::open(&db.url).await.unwrap().is_none());
    }
}

/// The server on a real port, and what the tests set it up with.
struct Outside {
    app: TestApp,
    base: String,
    http: reqwest::Client,
    demo: Demo,
    owner: Actor,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }

    fn message(&self) -> &str {
        self.json["error"]["message"].as_str().unwrap_or_default()
    }
}

async fn serve(app: TestApp) -> Outside {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    // Served as the binary serves it (HTTP/1.1 and HTTP/2).
    tokio::spawn(async move {
        persona_console::listen::serve_router(listener, router, std::future::pending())
            .await
            .unwrap();
    });
    let demo = app.demo().await;
    let owner = cli_actor(&app.ctx, &demo.login.email, demo.tenant_id.as_str())
        .await
        .unwrap();
    Outside {
        app,
        base: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        demo,
        owner,
    }
}

impl Outside {
    fn space(&self, name: &str) -> String {
        self.demo
            .spaces
            .iter()
            .find(|s| s.name.contains(name))
            .unwrap_or_else(|| panic!("no demo space {name}"))
            .id
            .to_string()
    }

    fn persona(&self, name: &str) -> String {
        self.demo
            .personas
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no demo persona {name}"))
            .id
            .to_string()
    }

    async fn token(
        &self,
        space: &str,
        scopes: &[RuntimeScope],
        persona: &str,
        app: &str,
    ) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.as_str().to_string()).collect();
        issue_token(
            &self.app.ctx,
            &self.owner,
            &space.parse().unwrap(),
            NewToken {
                name: "outside client",
                scopes: &scopes,
                app_id: app,
                persona_id: persona,
                expires_in_days: Some(1),
            },
        )
        .await
        .unwrap()
        .token
    }

    /// Revokes a token as an operator would, found by its secret's hash.
    async fn revoke(&self, token: &str) {
        let row = app::domain::entities::runtime_token::Entity::find()
            .filter(
                app::domain::entities::runtime_token::Column::SecretHash
                    .eq(app::domain::tokens::format::hash(token)),
            )
            .one(&self.app.ctx.db)
            .await
            .unwrap()
            .unwrap();
        revoke_token(&self.app.ctx, &self.owner, &row.id.parse().unwrap())
            .await
            .unwrap();
    }

    async fn full_token(&self, space: &str) -> String {
        self.token(space, RuntimeScope::ALL, "", "").await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|_| panic!("not JSON (status {status}): {text}"))
        };
        Reply {
            status,
            headers,
            json,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.post_raw(path, token, "application/json", body.to_string())
            .await
    }

    async fn post_raw(&self, path: &str, token: &str, content_type: &str, body: String) -> Reply {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(token)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    async fn decide(&self, token: &str, body: Value) -> Reply {
        self.post("/api/runtime/v1/decisions", token, &body).await
    }

    async fn capability_id(&self, space: &str, key: &str) -> String {
        capability::Entity::find()
            .filter(capability::Column::SpaceId.eq(space))
            .filter(capability::Column::Key.eq(key))
            .one(&self.app.ctx.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no capability {key}"))
            .id
    }

    async fn grant(
        &self,
        persona: &str,
        capability: &str,
        action: &str,
        access: &str,
        envs: &[&str],
        min: &str,
    ) {
        let envs: Vec<String> = envs.iter().map(|e| (*e).to_string()).collect();
        set_grant(
            &self.app.ctx,
            &self.owner,
            &persona.parse::<PersonaId>().unwrap(),
            SetGrant {
                capability_id: capability,
                action,
                access,
                environments: &envs,
                min_stage: min,
                reason: "outside-client test",
                version: None,
            },
        )
        .await
        .unwrap();
    }

    async fn engage(&self, scope: SwitchScope, id: &str) {
        engage(
            &self.app.ctx,
            &self.owner,
            &SwitchTarget {
                scope,
                id: id.to_string(),
            },
            "outside-client test: stop it",
        )
        .await
        .unwrap();
    }
}

fn ask(persona: &str, capability: &str, action: Option<&str>, access: &str, env: &str) -> Value {
    json!({
        "persona_id": persona,
        "capability": capability,
        "action": action,
        "access": access,
        "environment": env,
    })
}

fn verdict(reply: &Reply) -> (String, String) {
    assert_eq!(reply.status, 200, "{}", reply.json);
    (
        reply.json["decision"].as_str().unwrap().to_string(),
        reply.json["reason"].as_str().unwrap().to_string(),
    )
}

fn pair(decision: &str, reason: &str) -> (String, String) {
    (decision.to_string(), reason.to_string())
}

async fn every_decision_rule_answers_in_the_contracts_order(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let (ava, milo) = (o.persona("Ava"), o.persona("Milo"));

    // granted: Ava (stage 2) may write chat in production.
    let r = o
        .decide(&token, ask(&ava, "chat", None, "write", "production"))
        .await;
    assert_eq!(verdict(&r), pair("allow", "granted"));
    assert!(r.json["policy_version"].as_i64().unwrap() > 0);
    assert!(r.json.get("approval_id").is_none());
    // no_grant: enabled in the space, never granted to Ava.
    let r = o
        .decide(&token, ask(&ava, "kv_datastore", None, "read", "sandbox"))
        .await;
    assert_eq!(verdict(&r), pair("deny", "no_grant"));
    // environment: create_ticket is open in staging and production only.
    let r = o
        .decide(
            &token,
            ask(&ava, "zendesk", Some("create_ticket"), "write", "sandbox"),
        )
        .await;
    assert_eq!(verdict(&r), pair("deny", "environment"));
    // access: search_tickets is granted for reading.
    let r = o
        .decide(
            &token,
            ask(
                &ava,
                "zendesk",
                Some("search_tickets"),
                "write",
                "production",
            ),
        )
        .await;
    assert_eq!(verdict(&r), pair("deny", "access"));
    // stage: a grant from stage 2 on Milo (stage 1). The change is seen at once.
    let zendesk = o.capability_id(&support, "zendesk").await;
    o.grant(&milo, &zendesk, "create_ticket", "write", &["sandbox"], "2")
        .await;
    let r = o
        .decide(
            &token,
            ask(&milo, "zendesk", Some("create_ticket"), "write", "sandbox"),
        )
        .await;
    assert_eq!(verdict(&r), pair("deny", "stage"));
    // approval_required: a refund is held for a person; asking again finds the same item.
    let refund = ask(
        &ava,
        "store-orders",
        Some("issue_refund"),
        "write",
        "production",
    );
    let first = o.decide(&token, refund.clone()).await;
    assert_eq!(verdict(&first), pair("needs_approval", "approval_required"));
    let approval = first.json["approval_id"].as_str().unwrap().to_string();
    let again = o.decide(&token, refund).await;
    assert_eq!(again.json["approval_id"], first.json["approval_id"]);
    let read = o
        .get(&format!("/api/runtime/v1/approvals/{approval}"), &token)
        .await;
    assert_eq!(read.status, 200, "{}", read.json);
    assert_eq!(read.json["state"], "pending");
    assert_eq!(read.json["approval_id"], approval.as_str());
    assert!(read.json["decided_by"].is_null());

    // kill_switch beats everything: a capability switch stops chat for every persona…
    let chat = o.capability_id(&support, "chat").await;
    o.engage(SwitchScope::Capability, &chat).await;
    let r = o
        .decide(&token, ask(&milo, "chat", None, "write", "sandbox"))
        .await;
    assert_eq!(verdict(&r), pair("deny", "kill_switch"));
    // …and leaves other capabilities alone, until a persona switch stops Ava entirely.
    let r = o
        .decide(
            &token,
            ask(&ava, "zendesk", Some("search_tickets"), "read", "sandbox"),
        )
        .await;
    assert_eq!(verdict(&r), pair("allow", "granted"));
    o.engage(SwitchScope::Persona, &ava).await;
    let r = o
        .decide(
            &token,
            ask(&ava, "zendesk", Some("search_tickets"), "read", "sandbox"),
        )
        .await;
    assert_eq!(verdict(&r), pair("deny", "kill_switch"));

    // Unknown persona, a persona of another space, of another tenant: all 404, alike.
    let otto = o.persona("Otto");
    let cora = o.demo.other_tenant.personas[0].id.to_string();
    for persona in [
        uuid::Uuid::now_v7().to_string(),
        otto,
        cora,
        "not-an-id".into(),
    ] {
        let r = o
            .decide(&token, ask(&persona, "chat", None, "read", "sandbox"))
            .await;
        assert_eq!(r.status, 404, "{persona}: {}", r.json);
        assert_eq!(r.code(), "not_found");
    }

    // Every decision reaches the activity feed, in one batch, not one write per request.
    assert_eq!(
        decision::Entity::find().count(&o.app.ctx.db).await.unwrap(),
        0
    );
    let runtime = &o.app.ctx.runtime;
    let written = runtime
        .log
        .flush(&o.app.ctx.db, &runtime.hub)
        .await
        .unwrap();
    assert_eq!(written, 10);
    let denied_by_switch = decision::Entity::find()
        .filter(decision::Column::Reason.eq("kill_switch"))
        .count(&o.app.ctx.db)
        .await
        .unwrap();
    assert_eq!(denied_by_switch, 2);
}

/// A space's grants are read a page at a time: every page reaches the snapshot's rules
/// and document, and the buyer evaluation's facts, the last as much as the first.
async fn a_space_with_more_grants_than_one_read_is_answered_whole(app: TestApp) {
    use app::domain::grants::stored::PAGE;
    use sea_orm::ActiveValue::Set;
    let o = serve(app).await;
    let support = o.space("Support");
    let milo = o.persona("Milo");
    let zendesk = o.capability_id(&support, "zendesk").await;
    // A page's worth written straight to the table (the console would take minutes)...
    let bulk = usize::try_from(PAGE).unwrap();
    let now = app::domain::now();
    let rows: Vec<grant::ActiveModel> = (0..bulk)
        .map(|i| grant::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            persona_id: Set(milo.clone()),
            capability_id: Set(zendesk.clone()),
            action_name: Set(format!("bulk_{i:05}")),
            access: Set("read".into()),
            environments: Set(r#"["sandbox"]"#.into()),
            min_stage: Set(1),
            reason: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(500) {
        grant::Entity::insert_many(chunk.to_vec())
            .exec(&o.app.ctx.db)
            .await
            .unwrap();
    }
    // ...and one more through the console, which also drops any snapshot already read.
    o.grant(&milo, &zendesk, "create_ticket", "write", &["sandbox"], "1")
        .await;
    let token = o.full_token(&support).await;

    let policy = o
        .get(&format!("/api/runtime/v1/personas/{milo}/policy"), &token)
        .await;
    assert_eq!(policy.status, 200, "{}", policy.json);
    let grants = policy.json["grants"].as_array().unwrap();
    // Milo's two demo grants, the page, and the console's one.
    assert_eq!(grants.len(), bulk + 3);
    let actions: std::collections::HashSet<&str> =
        grants.iter().filter_map(|g| g["action"].as_str()).collect();
    for action in [
        "bulk_00000",
        &format!("bulk_{:05}", bulk - 1),
        "create_ticket",
    ] {
        assert!(actions.contains(action), "{action} missing from the policy");
    }
    for (action, access, expected) in [
        ("bulk_00000", "read", "allow"),
        (&*format!("bulk_{:05}", bulk - 1), "read", "allow"),
        (&*format!("bulk_{:05}", bulk - 1), "write", "deny"),
        ("create_ticket", "write", "allow"),
    ] {
        let reply = o
            .decide(
                &token,
                ask(&milo, "zendesk", Some(action), access, "sandbox"),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.json);
        assert_eq!(
            reply.json["decision"], expected,
            "{action} {access}: {}",
            reply.json
        );
    }

    // The evaluation reads through the same pages, for the whole space or one persona.
    let space = app::domain::entities::space::Entity::find_by_id(support.as_str())
        .one(&o.app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    for only in [None, Some(milo.as_str())] {
        let facts = app::domain::evaluation::data::load(&o.app.ctx.db, &space, only, now)
            .await
            .unwrap();
        let facts = facts.personas.iter().find(|p| p.id == milo).unwrap();
        assert_eq!(facts.grants.len(), bulk + 3, "only {only:?}");
        let last = format!("bulk_{:05}", bulk - 1);
        assert!(
            facts.grants.iter().any(|g| g.fact.label.ends_with(&last)),
            "the last page is missing from the evaluation (only {only:?})"
        );
    }
}

async fn policy_carries_an_etag_and_answers_304_until_something_changes(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let milo = o.persona("Milo");
    let path = format!("/api/runtime/v1/personas/{milo}/policy");

    let first = o.get(&path, &token).await;
    assert_eq!(first.status, 200, "{}", first.json);
    let p = &first.json;
    assert_eq!(p["persona_id"], milo.as_str());
    assert_eq!(p["space_id"], support.as_str());
    assert_eq!(p["stage"], 1);
    assert_eq!(p["stage_name"], "pilot");
    assert_eq!(p["halted"], false);
    assert!(p["halted_by"].is_null());
    assert_eq!(p["halted_capabilities"], json!([]));
    assert_eq!(p["max_staleness_seconds"], 60);
    let caps: Vec<&str> = p["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["capability"].as_str().unwrap())
        .collect();
    assert_eq!(caps, ["chat", "store-orders"]);
    assert_eq!(p["grants"][0]["kind"], "builtin");
    assert_eq!(p["grants"][1]["kind"], "external");
    assert_eq!(p["grants"][1]["action"], "lookup_order");
    assert_eq!(p["grants"][1]["environments"], json!(["sandbox"]));
    let etag = first.header("etag").unwrap().to_string();

    let again = o
        .send(
            o.http
                .get(format!("{}{path}", o.base))
                .bearer_auth(&token)
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), Some(etag.as_str()));

    // A grant above Milo's stage is not listed, but it is a change: new version, new tag.
    let zendesk = o.capability_id(&support, "zendesk").await;
    o.grant(&milo, &zendesk, "create_ticket", "write", &["sandbox"], "2")
        .await;
    let changed = o
        .send(
            o.http
                .get(format!("{}{path}", o.base))
                .bearer_auth(&token)
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    assert!(changed.json["version"].as_i64() > first.json["version"].as_i64());
    assert_eq!(changed.json["grants"].as_array().unwrap().len(), 2);

    // A switch on the space halts the persona, and says which switch.
    o.engage(SwitchScope::Space, &support).await;
    let halted = o.get(&path, &token).await;
    assert_eq!(halted.json["halted"], true);
    assert_eq!(
        halted.json["halted_by"],
        json!({"scope": "space", "id": support})
    );
}

async fn every_error_has_the_contracts_shape_and_changes_nothing(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let ava = o.persona("Ava");
    let decisions = "/api/runtime/v1/decisions";
    let good = ask(&ava, "chat", None, "write", "production");

    // 401: none, garbage, a mistyped checksum, a revoked token.
    let none = o
        .send(
            o.http
                .post(format!("{}{decisions}", o.base))
                .header("content-type", "application/json")
                .body(good.to_string()),
        )
        .await;
    assert_eq!((none.status, none.code()), (401, "unauthenticated"));
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let mut mistyped = token.clone();
    let last = mistyped.pop().unwrap();
    mistyped.push(if last == 'a' { 'b' } else { 'a' });
    for bad in ["garbage", mistyped.as_str()] {
        let r = o.decide(bad, good.clone()).await;
        assert_eq!((r.status, r.code()), (401, "unauthenticated"), "{bad}");
        assert!(!r.message().contains(bad), "the message echoes the token");
    }
    // A multi-byte character across the checksum separator keeps the token's length:
    // refused like any other malformed token (the fuzz target once found it panicking).
    let across = format!("Bearer {}é{}", &token[..35], &token[37..]);
    let r = o
        .send(
            o.http
                .post(format!("{}{decisions}", o.base))
                .header(
                    "authorization",
                    reqwest::header::HeaderValue::from_bytes(across.as_bytes()).unwrap(),
                )
                .header("content-type", "application/json")
                .body(good.to_string()),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "unauthenticated"));
    let doomed = o.full_token(&support).await;
    assert_eq!(o.decide(&doomed, good.clone()).await.status, 200);
    o.revoke(&doomed).await;
    assert_eq!(o.decide(&doomed, good.clone()).await.status, 401);

    // 403: a token without the scope.
    let reader = o.token(&support, &[RuntimeScope::PolicyRead], "", "").await;
    let r = o.decide(&reader, good.clone()).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    assert!(r.message().contains("decisions:write"), "{}", r.message());

    // 415, 413, and 400s that name the field.
    let r = o
        .post_raw(decisions, &token, "text/plain", good.to_string())
        .await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let huge = json!({ "persona_id": "x".repeat(70 * 1024) });
    let r = o.post(decisions, &token, &huge).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"));
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({ "capability": "chat", "access": "read", "environment": "sandbox" }),
            "persona_id",
        ),
        (
            json!({ "persona_id": ava, "capability": "chat", "access": "delete", "environment": "sandbox" }),
            "access",
        ),
        (
            json!({ "persona_id": ava, "capability": 7, "access": "read", "environment": "sandbox" }),
            "capability",
        ),
        (
            json!({ "persona_id": ava, "capability": "chat", "access": "read", "environment": "sandbox", "colour": "red" }),
            "colour",
        ),
        (ask(&ava, "teleport", None, "read", "sandbox"), "capability"),
        (ask(&ava, "chat", None, "read", "moon"), "environment"),
        (ask(&ava, "", None, "read", "sandbox"), "capability"),
    ];
    for (body, field) in cases {
        let r = o.decide(&token, body.clone()).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "invalid_request"),
            "{body}: {}",
            r.json
        );
        assert!(r.message().contains(field), "{body}: {}", r.message());
    }
    let r = o
        .post_raw(
            decisions,
            &token,
            "application/json",
            "{\"persona_id\": ".into(),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_request"));
    assert!(r.message().contains("JSON"), "{}", r.message());

    // Bad event batches: nothing of them is stored.
    let event = |key: &str| {
        json!({ "persona_id": ava, "kind": "action", "capability": "chat",
                "summary": "Answered a question", "occurred_at": "2026-11-01T08:00:00Z",
                "idempotency_key": key })
    };
    // Small events, so 501 of them still fit the 64 KiB body limit (the count is
    // checked before anything in them).
    let too_many: Vec<Value> = (0..501)
        .map(|i| {
            json!({ "persona_id": "p", "kind": "note", "summary": "x",
                    "occurred_at": "2026-11-01T08:00:00Z", "idempotency_key": format!("{i}") })
        })
        .collect();
    let future = {
        let mut e = event("late");
        e["occurred_at"] = json!("2999-01-01T00:00:00Z");
        e
    };
    let wrong_kind = {
        let mut e = event("kind");
        e["kind"] = json!("shout");
        e
    };
    let batches: Vec<(Value, &str)> = vec![
        (json!({ "events": too_many }), "500"),
        (json!({ "events": [] }), "events"),
        (
            json!({ "events": [event("a"), event("a")] }),
            "events[1].idempotency_key",
        ),
        (
            json!({ "events": [event("b"), future] }),
            "events[1].occurred_at",
        ),
        (json!({ "events": [wrong_kind] }), "events[0].kind"),
        (json!({ "events": [{ "persona_id": ava }] }), "events[0]"),
    ];
    for (body, words) in batches {
        let r = o.post("/api/runtime/v1/events", &token, &body).await;
        assert_eq!((r.status, r.code()), (400, "invalid_request"), "{}", r.json);
        assert!(r.message().contains(words), "{words}: {}", r.message());
    }
    assert_eq!(
        runtime_event::Entity::find()
            .count(&o.app.ctx.db)
            .await
            .unwrap(),
        0
    );

    // Unknown endpoints and approvals answer JSON 404s; bad Last-Event-IDs a 400.
    for path in ["/api/runtime/v1/nothing-here", "/api/runtime/v2/decisions"] {
        let r = o.get(path, &token).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{path}");
    }
    let r = o.get(decisions, &token).await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
    let r = o
        .get("/api/runtime/v1/approvals/no-such-approval", &token)
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = o
        .send(
            o.http
                .get(format!("{}/api/runtime/v1/stream", o.base))
                .bearer_auth(&token)
                .header("last-event-id", "yesterday"),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "invalid_request"));

    // The OpenAPI document needs no token and lists every endpoint.
    let doc = o
        .send(
            o.http
                .get(format!("{}/api/runtime/v1/openapi.json", o.base)),
        )
        .await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/runtime/v1/personas/{persona_id}/policy",
        "/api/runtime/v1/decisions",
        "/api/runtime/v1/approvals/{approval_id}",
        "/api/runtime/v1/events",
        "/api/runtime/v1/stream",
    ] {
        assert!(doc.json["paths"].get(path).is_some(), "{path} missing");
    }
}

async fn events_are_counted_once_per_idempotency_key(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let ava = o.persona("Ava");
    let event = |key: &str| {
        json!({ "persona_id": ava, "kind": "message", "summary": "Greeted a customer",
                "occurred_at": "2026-11-01T08:00:00+01:00", "idempotency_key": key })
    };
    let path = "/api/runtime/v1/events";
    let r = o
        .post(
            path,
            &token,
            &json!({ "events": [event("a"), event("b"), event("c")] }),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_eq!(r.json, json!({ "accepted": 3, "duplicates": 0 }));
    let r = o
        .post(
            path,
            &token,
            &json!({ "events": [event("a"), event("b"), event("c")] }),
        )
        .await;
    assert_eq!(r.json, json!({ "accepted": 0, "duplicates": 3 }));
    let r = o
        .post(path, &token, &json!({ "events": [event("c"), event("d")] }))
        .await;
    assert_eq!(r.json, json!({ "accepted": 1, "duplicates": 1 }));
    let stored = runtime_event::Entity::find()
        .all(&o.app.ctx.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 4);
    // Stored in UTC, whatever offset the runtime sent.
    assert_eq!(
        stored[0].occurred_at.unix_timestamp(),
        time::macros::datetime!(2026-11-01 07:00 UTC).unix_timestamp()
    );
}

async fn narrowed_tokens_reach_only_their_persona_and_app(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let (ava, milo) = (o.persona("Ava"), o.persona("Milo"));
    let only_milo = o.token(&support, RuntimeScope::ALL, &milo, "").await;
    let r = o
        .decide(&only_milo, ask(&milo, "chat", None, "write", "sandbox"))
        .await;
    assert_eq!(verdict(&r), pair("allow", "granted"));
    let r = o
        .decide(&only_milo, ask(&ava, "chat", None, "write", "sandbox"))
        .await;
    assert_eq!(r.status, 404);
    let r = o
        .get(
            &format!("/api/runtime/v1/personas/{ava}/policy"),
            &only_milo,
        )
        .await;
    assert_eq!(r.status, 404);

    // An approval Ava's request opened is out of reach for Milo's token.
    let full = o.full_token(&support).await;
    let opened = o
        .decide(
            &full,
            ask(
                &ava,
                "store-orders",
                Some("issue_refund"),
                "write",
                "production",
            ),
        )
        .await;
    let approval = opened.json["approval_id"].as_str().unwrap();
    let r = o
        .get(&format!("/api/runtime/v1/approvals/{approval}"), &only_milo)
        .await;
    assert_eq!(r.status, 404);

    // A token of one app: asking through another app is out of reach; its own app's
    // switch halts what it asks, not what other tokens ask.
    let support_app = app::domain::entities::app::Entity::find()
        .filter(app::domain::entities::app::Column::SpaceId.eq(support.as_str()))
        .one(&o.app.ctx.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let app_token = o.token(&support, RuntimeScope::ALL, "", &support_app).await;
    let mut elsewhere = ask(&milo, "chat", None, "write", "sandbox");
    elsewhere["app_id"] = json!(uuid::Uuid::now_v7().to_string());
    assert_eq!(o.decide(&app_token, elsewhere.clone()).await.status, 404);
    assert_eq!(o.decide(&full, elsewhere).await.status, 404);
    o.engage(SwitchScope::App, &support_app).await;
    let r = o
        .decide(&app_token, ask(&milo, "chat", None, "write", "sandbox"))
        .await;
    assert_eq!(verdict(&r), pair("deny", "kill_switch"));
    let r = o
        .decide(&full, ask(&milo, "chat", None, "write", "sandbox"))
        .await;
    assert_eq!(verdict(&r), pair("allow", "granted"));
    let policy = o
        .get(
            &format!("/api/runtime/v1/personas/{milo}/policy"),
            &app_token,
        )
        .await;
    assert_eq!(
        policy.json["halted_by"],
        json!({"scope": "app", "id": support_app})
    );
}

/// Reads SSE frames from a response until `want` events arrived or `within` passed.
async fn read_events(
    response: &mut reqwest::Response,
    want: usize,
    within: Duration,
) -> Vec<(i64, String, Value)> {
    let mut buffer = String::new();
    let mut events = Vec::new();
    let deadline = Instant::now() + within;
    while events.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Ok(Some(chunk))) = tokio::time::timeout(left, response.chunk()).await else {
            break;
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let (mut id, mut kind, mut data) = (None, String::new(), String::new());
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    kind = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if let Some(id) = id {
                events.push((id, kind, serde_json::from_str(&data).unwrap()));
            } else if !kind.is_empty() {
                // The console's own live events carry no id.
                events.push((0, kind, serde_json::from_str(&data).unwrap()));
            }
        }
    }
    events
}

async fn open_stream(o: &Outside, token: &str, last_event_id: Option<i64>) -> reqwest::Response {
    let mut request = o
        .http
        .get(format!("{}/api/runtime/v1/stream", o.base))
        .bearer_auth(token)
        .timeout(Duration::from_secs(60));
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    response
}

async fn the_stream_sends_changes_replays_what_was_missed_and_closes_on_revocation(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let milo = o.persona("Milo");
    let mut stream = open_stream(&o, &token, None).await;
    assert_eq!(o.app.ctx.runtime.hub.listeners(), 1);

    let zendesk = o.capability_id(&support, "zendesk").await;
    o.grant(&milo, &zendesk, "search_tickets", "read", &["sandbox"], "1")
        .await;
    o.engage(SwitchScope::Persona, &milo).await;
    let live = read_events(&mut stream, 2, Duration::from_secs(5)).await;
    assert_eq!(live.len(), 2, "{live:?}");
    let (first, second) = (&live[0], &live[1]);
    assert_eq!(first.1, "policy_changed");
    assert_eq!(first.2["persona_id"], milo.as_str());
    assert_eq!(second.1, "kill_switch");
    assert_eq!(second.2["scope"], "persona");
    assert_eq!(second.2["scope_id"], milo.as_str());
    assert_eq!(second.2["engaged"], true);
    assert!(second.0 > first.0, "ids grow");
    drop(stream);

    // Reconnecting after the first event replays the second, with its id.
    let mut again = open_stream(&o, &token, Some(first.0)).await;
    let replayed = read_events(&mut again, 1, Duration::from_secs(5)).await;
    assert_eq!(replayed, vec![second.clone()]);
    drop(again);

    // Missed more than the window holds (pruned here), or an id from elsewhere: one
    // `policy_changed` hint to fetch every policy again.
    stream_event::Entity::delete_many()
        .filter(stream_event::Column::Seq.lte(second.0))
        .exec(&o.app.ctx.db)
        .await
        .unwrap();
    for from in [first.0, 1_000_000] {
        let mut stale = open_stream(&o, &token, Some(from)).await;
        let hint = read_events(&mut stale, 1, Duration::from_secs(5)).await;
        assert_eq!(hint.len(), 1);
        assert_eq!(hint[0].1, "policy_changed");
        assert_eq!(hint[0].2["resync"], true);
        assert!(hint[0].2["persona_id"].is_null());
    }

    // Revoking the token ends its open stream within a second.
    let mut doomed = open_stream(&o, &token, None).await;
    let revoked_at = Instant::now();
    o.revoke(&token).await;
    let ended = tokio::time::timeout(Duration::from_secs(1), async {
        while let Ok(Some(_)) = doomed.chunk().await {}
    })
    .await;
    assert!(
        ended.is_ok(),
        "the stream outlived its token by over a second"
    );
    assert!(revoked_at.elapsed() < Duration::from_secs(1));
}

async fn streams_share_one_http2_connection_and_end_alone_on_revocation(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let bystander = o.full_token(&support).await;
    let milo = o.persona("Milo");
    // HTTP/2 from the first byte (no TLS), as a runtime host or a proxy holding many
    // streams speaks it: one connection carries every request below.
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let url = |path: &str| format!("{}/api/runtime/v1{path}", o.base);

    let policy = h2
        .get(url(&format!("/personas/{milo}/policy")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(policy.version(), reqwest::Version::HTTP_2);
    assert_eq!(policy.status(), 200);
    let decided = h2
        .post(url("/decisions"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(ask(&milo, "zendesk", None, "read", "sandbox").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 200);
    let answer: Value = serde_json::from_str(&decided.text().await.unwrap()).unwrap();
    assert!(answer["decision"].is_string(), "{answer}");

    let mut streams = Vec::new();
    for key in [&token, &token, &bystander] {
        let response = h2
            .get(url("/stream"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.version(), reqwest::Version::HTTP_2);
        assert_eq!(response.status(), 200);
        streams.push(response);
    }
    assert_eq!(o.app.ctx.runtime.hub.listeners(), 3);

    let zendesk = o.capability_id(&support, "zendesk").await;
    o.grant(&milo, &zendesk, "search_tickets", "read", &["sandbox"], "1")
        .await;
    for stream in &mut streams {
        let heard = read_events(stream, 1, Duration::from_secs(5)).await;
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert_eq!(heard[0].1, "policy_changed");
        assert_eq!(heard[0].2["persona_id"], milo.as_str());
    }

    // Revoking one token ends its two streams within a second; the bystander's stream
    // on the same connection keeps going, and the connection still answers.
    o.revoke(&token).await;
    let mut survivor = streams.pop().unwrap();
    for mut doomed in streams {
        let ended = tokio::time::timeout(Duration::from_secs(1), async {
            while let Ok(Some(_)) = doomed.chunk().await {}
        })
        .await;
        assert!(ended.is_ok(), "a revoked token's stream outlived it by 1 s");
    }
    assert_eq!(o.app.ctx.runtime.hub.listeners(), 1);
    o.engage(SwitchScope::Persona, &milo).await;
    let heard = read_events(&mut survivor, 1, Duration::from_secs(5)).await;
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0].1, "kill_switch");
    let refused = h2
        .get(url(&format!("/personas/{milo}/policy")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

async fn a_token_over_its_rate_gets_429_with_retry_after(app: TestApp) {
    let TestApp { db, .. } = app;
    let app = TestApp::with_web(
        db,
        WebConfig {
            runtime_rate: RateLimit {
                per_second: 1,
                burst: 3,
            },
            ..WebConfig::default()
        },
    )
    .await;
    let o = serve(app).await;
    let support = o.space("Support");
    let (limited, other) = (o.full_token(&support).await, o.full_token(&support).await);
    let milo = o.persona("Milo");
    let path = format!("/api/runtime/v1/personas/{milo}/policy");
    for _ in 0..3 {
        assert_eq!(o.get(&path, &limited).await.status, 200);
    }
    let r = o.get(&path, &limited).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"));
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Another token has its own allowance.
    assert_eq!(o.get(&path, &other).await.status, 200);
}

async fn the_activity_feed_explains_decisions_and_stays_inside_the_tenant(app: TestApp) {
    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let (ava, milo) = (o.persona("Ava"), o.persona("Milo"));
    o.decide(&token, ask(&ava, "chat", None, "write", "production"))
        .await;
    o.decide(&token, ask(&milo, "chat", None, "write", "production"))
        .await;
    let r = o
        .post(
            "/api/runtime/v1/events",
            &token,
            &json!({ "events": [{ "persona_id": ava, "kind": "action", "capability": "chat",
                "summary": "Sent the order status to the customer",
                "occurred_at": "2026-11-01T08:00:00Z", "idempotency_key": "one" }] }),
        )
        .await;
    assert_eq!(r.status, 202);
    let runtime = &o.app.ctx.runtime;
    runtime
        .log
        .flush(&o.app.ctx.db, &runtime.hub)
        .await
        .unwrap();

    let owner = o
        .app
        .sign_in(&o.demo.login.email, &o.demo.login.password)
        .await;
    let feed = |fields: Vec<(&'static str, String)>, cookie: String| {
        let app = &o.app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/api/get_activity", &common::form(&fields), Some(&cookie))
                .await
        }
    };
    let all = feed(vec![("filter[space]", support.clone())], owner.clone()).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let view: Value = serde_json::from_str(&all.body).unwrap();
    let items = view["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    let deny = items.iter().find(|i| i["outcome"] == "deny").unwrap();
    assert_eq!(deny["persona_name"], "Milo");
    assert_eq!(deny["reason"], "environment");
    assert!(
        deny["explanation"]
            .as_str()
            .unwrap()
            .contains("does not include production")
    );
    assert!(deny["via"].as_str().unwrap().contains("outside client"));
    let event = items.iter().find(|i| i["kind"] == "event").unwrap();
    assert_eq!(
        event["explanation"],
        "Sent the order status to the customer"
    );

    let denies = feed(
        vec![
            ("filter[space]", support.clone()),
            ("filter[decision]", "deny".into()),
        ],
        owner.clone(),
    )
    .await;
    let view: Value = serde_json::from_str(&denies.body).unwrap();
    assert_eq!(view["items"].as_array().unwrap().len(), 1);
    let bad = feed(
        vec![
            ("filter[space]", support.clone()),
            ("filter[decision]", "maybe".into()),
        ],
        owner.clone(),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.body);

    // Another tenant's owner: the space does not exist for them, nor its live feed.
    let other = &o.demo.other_tenant.login;
    let outsider = o.app.sign_in(&other.email, &other.password).await;
    let r = feed(vec![("filter[space]", support.clone())], outsider.clone()).await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = o
        .app
        .get(&format!("/live/activity?space={support}"), Some(&outsider))
        .await;
    assert_eq!(r.status, 404);
    let r = o
        .app
        .get(&format!("/live/activity?space={support}"), None)
        .await;
    // Without a session: sent to sign in, like every console page.
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login"), "{}", r.location());
}

async fn a_reviewer_decides_an_action_and_the_runtime_hears_it(app: TestApp) {
    use app::domain::entities::{approval, audit_entry};
    use app::domain::review::{decide, pending_count, queue};
    use app::types::{ReviewDecision, ReviewFilter};

    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let ava = o.persona("Ava");
    let mut stream = open_stream(&o, &token, None).await;
    let refund = ask(
        &ava,
        "store-orders",
        Some("issue_refund"),
        "write",
        "production",
    );
    let asked = o.decide(&token, refund.clone()).await;
    assert_eq!(verdict(&asked), pair("needs_approval", "approval_required"));
    let id = asked.json["approval_id"].as_str().unwrap().to_string();

    // The queue shows it, oldest first, with what a reviewer needs to decide.
    let waiting = queue(&o.app.ctx, &o.owner, &ReviewFilter::default())
        .await
        .unwrap();
    assert_eq!(waiting.pending_total, 1);
    assert_eq!(pending_count(&o.app.ctx, &o.owner).await.unwrap(), 1);
    let item = &waiting.items[0];
    assert_eq!(
        (item.id.as_str(), item.state.as_str()),
        (id.as_str(), "pending")
    );
    assert_eq!(item.about, "Ava");
    assert!(item.subject.contains("issue_refund"), "{}", item.subject);
    assert!(
        item.asked_by.contains("outside client"),
        "{}",
        item.asked_by
    );
    assert!(item.can_decide);
    assert!(item.expires_at.is_some());
    let wrong = ReviewFilter {
        kind: Some("promotion-of-sorts".into()),
        ..ReviewFilter::default()
    };
    assert!(matches!(
        queue(&o.app.ctx, &o.owner, &wrong).await,
        Err(app::AppError::Invalid { field, .. }) if field == "kind"
    ));

    // Refusals change nothing: no comment on a rejection, an operator (who may not
    // decide), another tenant's owner (for whom it does not exist), a verdict of nonsense.
    let decision = |verdict: &str, comment: &str| ReviewDecision {
        item_id: id.clone(),
        verdict: verdict.into(),
        comment: comment.into(),
    };
    let operator = cli_actor(
        &o.app.ctx,
        &o.demo.operator.email,
        o.demo.tenant_id.as_str(),
    )
    .await
    .unwrap();
    let stranger = cli_actor(
        &o.app.ctx,
        &o.demo.other_tenant.login.email,
        o.demo.other_tenant.tenant_id.as_str(),
    )
    .await
    .unwrap();
    let refusals = [
        (
            decide(&o.app.ctx, &o.owner, &decision("reject", "  ")).await,
            "invalid",
        ),
        (
            decide(&o.app.ctx, &o.owner, &decision("maybe", "")).await,
            "invalid",
        ),
        (
            decide(&o.app.ctx, &operator, &decision("approve", "")).await,
            "forbidden",
        ),
        (
            decide(&o.app.ctx, &stranger, &decision("approve", "")).await,
            "not_found",
        ),
    ];
    for (result, code) in refusals {
        assert_eq!(result.unwrap_err().code(), code);
    }
    let stranger_sees = queue(&o.app.ctx, &stranger, &ReviewFilter::default())
        .await
        .unwrap();
    assert!(stranger_sees.items.iter().all(|i| i.id != id));
    let still = approval::Entity::find_by_id(id.as_str())
        .one(&o.app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((still.state.as_str(), still.decided_by), ("pending", None));

    // The owner approves through the console's own endpoint, as the page does.
    let cookie = o
        .app
        .sign_in(&o.demo.login.email, &o.demo.login.password)
        .await;
    let reply = o
        .app
        .post_form(
            "/api/decide_review",
            &common::form(&[
                ("item_id", &id),
                ("verdict", "approve"),
                ("comment", "Refund under the usual limit"),
            ]),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    // The runtime hears it on the stream and reads it back.
    let heard = read_events(&mut stream, 1, Duration::from_secs(5)).await;
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0].1, "approval_decided");
    assert_eq!(heard[0].2["approval_id"], id.as_str());
    assert_eq!(heard[0].2["state"], "approved");
    let read = o
        .get(&format!("/api/runtime/v1/approvals/{id}"), &token)
        .await;
    assert_eq!(read.json["state"], "approved", "{}", read.json);
    assert_eq!(read.json["comment"], "Refund under the usual limit");
    assert!(!read.json["decided_by"].as_str().unwrap().is_empty());
    assert!(read.json["decided_at"].is_string());
    // Audited, and deciding again is a conflict that changes nothing.
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("approval.approved"))
        .filter(audit_entry::Column::EntityId.eq(id.as_str()))
        .count(&o.app.ctx.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    let again = decide(&o.app.ctx, &o.owner, &decision("reject", "changed my mind")).await;
    assert_eq!(again.unwrap_err().code(), "conflict");
    assert_eq!(pending_count(&o.app.ctx, &o.owner).await.unwrap(), 0);

    // Asking again opens a new item; one left past its expiry cannot be decided and
    // shows among the decided ones as expired.
    let second = o.decide(&token, refund).await;
    let second_id = second.json["approval_id"].as_str().unwrap().to_string();
    assert_ne!(second_id, id);
    approval::Entity::update_many()
        .col_expr(
            approval::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(app::domain::now() - time::Duration::minutes(1)),
        )
        .filter(approval::Column::Id.eq(second_id.as_str()))
        .exec(&o.app.ctx.db)
        .await
        .unwrap();
    let late = ReviewDecision {
        item_id: second_id.clone(),
        verdict: "approve".into(),
        comment: String::new(),
    };
    let err = decide(&o.app.ctx, &o.owner, &late).await.unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("expired"), "{err}");
    let decided = queue(
        &o.app.ctx,
        &o.owner,
        &ReviewFilter {
            show: Some("decided".into()),
            ..ReviewFilter::default()
        },
    )
    .await
    .unwrap();
    let states: Vec<(&str, &str)> = decided
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.state.as_str()))
        .collect();
    assert_eq!(
        states,
        vec![(second_id.as_str(), "expired"), (id.as_str(), "approved")]
    );
    assert!(decided.items.iter().all(|i| !i.can_decide));
}

async fn a_switch_is_released_by_a_second_person_and_drills_are_measured(app: TestApp) {
    use app::domain::entities::{audit_entry, kill_switch};
    use app::domain::killswitch::{drill, release_now, request_release, switches};
    use app::domain::review::{decide, queue};
    use app::types::{ReviewDecision, ReviewFilter};

    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let milo = o.persona("Milo");
    let chat = || ask(&milo, "chat", None, "write", "sandbox");
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("allow", "granted")
    );
    let person = |email: String| {
        let ctx = o.app.ctx.clone();
        let tenant = o.demo.tenant_id.to_string();
        async move { cli_actor(&ctx, &email, &tenant).await.unwrap() }
    };
    let operator = person(o.demo.operator.email.clone()).await;
    let reviewer = person(o.demo.reviewer.email.clone()).await;
    let mut stream = open_stream(&o, &token, None).await;

    // The operator stops Milo; the runtime hears it and is denied.
    engage(
        &o.app.ctx,
        &operator,
        &SwitchTarget {
            scope: SwitchScope::Persona,
            id: milo.clone(),
        },
        "Milo answered a customer in the wrong language",
    )
    .await
    .unwrap();
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("deny", "kill_switch")
    );
    let switch = kill_switch::Entity::find()
        .filter(kill_switch::Column::ScopeId.eq(milo.as_str()))
        .one(&o.app.ctx.db)
        .await
        .unwrap()
        .unwrap();

    // Asking for a release needs a reason, and one request waits at a time.
    let err = request_release(&o.app.ctx, &operator, &switch.id, " ")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    let request = request_release(
        &o.app.ctx,
        &operator,
        &switch.id,
        "Language fixed in the prompt",
    )
    .await
    .unwrap();
    let twice = request_release(&o.app.ctx, &operator, &switch.id, "again").await;
    assert_eq!(twice.unwrap_err().code(), "conflict");
    let stranger = cli_actor(
        &o.app.ctx,
        &o.demo.other_tenant.login.email,
        o.demo.other_tenant.tenant_id.as_str(),
    )
    .await
    .unwrap();
    let crossing = request_release(&o.app.ctx, &stranger, &switch.id, "let me").await;
    assert_eq!(crossing.unwrap_err().code(), "not_found");

    // It waits in the review queue; the operator who engaged it cannot decide it (they
    // may not decide at all), and neither can anyone who engaged or asked.
    let waiting = queue(
        &o.app.ctx,
        &reviewer,
        &ReviewFilter {
            kind: Some("release".into()),
            ..ReviewFilter::default()
        },
    )
    .await
    .unwrap();
    let item = waiting.items.iter().find(|i| i.id == request).unwrap();
    assert_eq!(
        (item.kind.as_str(), item.about.as_str()),
        ("release", "Milo")
    );
    assert!(item.can_decide);
    assert_eq!(item.summary, "Language fixed in the prompt");
    let approve = |id: &str| ReviewDecision {
        item_id: id.to_string(),
        verdict: "approve".into(),
        comment: "Checked the transcript".into(),
    };
    let by_operator = decide(&o.app.ctx, &operator, &approve(&request)).await;
    assert_eq!(by_operator.unwrap_err().code(), "forbidden");
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("deny", "kill_switch")
    );

    // The reviewer approves: released at once, for the runtime too.
    decide(&o.app.ctx, &reviewer, &approve(&request))
        .await
        .unwrap();
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("allow", "granted")
    );
    let heard = read_events(&mut stream, 2, Duration::from_secs(5)).await;
    let switched: Vec<bool> = heard
        .iter()
        .filter(|e| e.1 == "kill_switch")
        .map(|e| e.2["engaged"].as_bool().unwrap())
        .collect();
    assert_eq!(switched, vec![true, false], "{heard:?}");
    let again = decide(&o.app.ctx, &reviewer, &approve(&request)).await;
    assert_eq!(again.unwrap_err().code(), "conflict");

    // A second person is required even with the right role: the owner engaged this one.
    engage(
        &o.app.ctx,
        &o.owner,
        &SwitchTarget {
            scope: SwitchScope::Persona,
            id: milo.clone(),
        },
        "Again",
    )
    .await
    .unwrap();
    let second = request_release(&o.app.ctx, &o.owner, &switch.id, "Fixed for real")
        .await
        .unwrap();
    let own = decide(&o.app.ctx, &o.owner, &approve(&second))
        .await
        .unwrap_err();
    assert_eq!(own.code(), "conflict");
    assert!(own.to_string().contains("second person"), "{own}");
    // Break glass: only an owner, only with a reason; it closes the waiting request.
    let err = release_now(&o.app.ctx, &operator, &switch.id, "now")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let err = release_now(&o.app.ctx, &o.owner, &switch.id, "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    release_now(
        &o.app.ctx,
        &o.owner,
        &switch.id,
        "Customer escalation, CEO call",
    )
    .await
    .unwrap();
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("allow", "granted")
    );
    let decided = queue(
        &o.app.ctx,
        &reviewer,
        &ReviewFilter {
            show: Some("decided".into()),
            kind: Some("release".into()),
            ..ReviewFilter::default()
        },
    )
    .await
    .unwrap();
    let closed = decided.items.iter().find(|i| i.id == second).unwrap();
    assert_eq!(closed.state, "approved");
    assert!(closed.comment.as_deref().unwrap().contains("break glass"));
    let flagged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("kill_switch.released_break_glass"))
        .count(&o.app.ctx.db)
        .await
        .unwrap();
    assert_eq!(flagged, 1);

    // A drill engages and releases in one audited step, and measures the propagation.
    let target = SwitchTarget {
        scope: SwitchScope::Persona,
        id: milo.clone(),
    };
    let (_, drilled) = drill(&o.app.ctx, &operator, &target).await.unwrap();
    assert!(drilled.propagation_ms >= 0);
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("allow", "granted")
    );
    let after = kill_switch::Entity::find_by_id(switch.id.as_str())
        .one(&o.app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!after.engaged);
    assert!(after.last_drill_at.is_some());
    assert_eq!(after.last_drill_ms, Some(drilled.propagation_ms));
    let view = switches(&o.app.ctx, &o.owner).await.unwrap();
    let row = view.switches.iter().find(|s| s.id == switch.id).unwrap();
    assert!(row.last_drill_at.is_some() && row.can_drill && !row.engaged);
    assert!(
        view.choices
            .iter()
            .any(|c| c.value == format!("persona:{milo}"))
    );
    // Viewers see switches but may stop nothing.
    let viewer = person(o.demo.viewer.email.clone()).await;
    assert!(
        switches(&o.app.ctx, &viewer)
            .await
            .unwrap()
            .choices
            .is_empty()
    );
    let drills = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("kill_switch.drilled"))
        .count(&o.app.ctx.db)
        .await
        .unwrap();
    assert_eq!(drills, 1);
    // A switch engaged for real is not drilled (that would release it).
    engage(&o.app.ctx, &operator, &target, "Real stop")
        .await
        .unwrap();
    let err = drill(&o.app.ctx, &operator, &target).await.unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("deny", "kill_switch")
    );
}

async fn a_promotion_passes_gates_and_approvals_and_demotion_is_immediate(app: TestApp) {
    use app::domain::entities::{audit_entry, persona, promotion};
    use app::domain::killswitch::drill;
    use app::domain::review::{decide, queue};
    use app::domain::rollout::limits::LimitsInput;
    use app::domain::rollout::{
        break_glass, demote, edit_request, persona_rollout, request_promotion, set_limits,
    };
    use app::types::{ReviewDecision, ReviewFilter};

    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let ava = o.persona("Ava");
    let ava_id: PersonaId = ava.parse().unwrap();
    let ctx = &o.app.ctx;
    let person = |email: String| {
        let ctx = ctx.clone();
        let tenant = o.demo.tenant_id.to_string();
        async move { cli_actor(&ctx, &email, &tenant).await.unwrap() }
    };
    let operator = person(o.demo.operator.email.clone()).await;
    let reviewer = person(o.demo.reviewer.email.clone()).await;
    let viewer = person(o.demo.viewer.email.clone()).await;
    let stranger = cli_actor(
        ctx,
        &o.demo.other_tenant.login.email,
        o.demo.other_tenant.tenant_id.as_str(),
    )
    .await
    .unwrap();
    let stage_of = || async {
        persona::Entity::find_by_id(ava.as_str())
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .stage
    };
    let promotions = || async {
        queue(
            ctx,
            &reviewer,
            &ReviewFilter {
                kind: Some("promotion".into()),
                ..ReviewFilter::default()
            },
        )
        .await
        .unwrap()
        .items
    };
    let verdict_by = |actor: &Actor, id: &str, verdict: &str, comment: &str| {
        let decision = ReviewDecision {
            item_id: id.to_string(),
            verdict: verdict.into(),
            comment: comment.into(),
        };
        let actor = actor.clone();
        async move { decide(ctx, &actor, &decision).await }
    };
    // create_ticket opens at stage 2; Ava is at stage 2.
    let ticket = || {
        ask(
            &ava,
            "zendesk",
            Some("create_ticket"),
            "write",
            "production",
        )
    };
    assert_eq!(
        verdict(&o.decide(&token, ticket()).await),
        pair("allow", "granted")
    );

    // The policy tells the runtime its stage's audience cap (stage 2's default).
    let audience = || async {
        o.get(&format!("/api/runtime/v1/personas/{ava}/policy"), &token)
            .await
            .json["audience_cap"]
            .clone()
    };
    assert_eq!(audience().await, json!(1000));

    // Asking: a reason is required, one request waits at a time, other tenants and
    // viewers cannot ask.
    let err = request_promotion(ctx, &o.owner, &ava_id, "  ", &[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert_eq!(
        request_promotion(ctx, &viewer, &ava_id, "ready", &[])
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        request_promotion(ctx, &stranger, &ava_id, "ready", &[])
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let request = request_promotion(ctx, &o.owner, &ava_id, "Two quiet weeks in production", &[])
        .await
        .unwrap()
        .to_string();
    assert_eq!(
        request_promotion(ctx, &operator, &ava_id, "again", &[])
            .await
            .unwrap_err()
            .code(),
        "conflict"
    );

    // In the queue with its gates: Ava's switch was never drilled, so approval is refused
    // and says why; nothing changes.
    let items = promotions().await;
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.id, request);
    assert!(item.can_decide);
    let drill_gate = item.gates.iter().find(|g| g.key == "drill").unwrap();
    assert!(!drill_gate.passed, "{drill_gate:?}");
    assert!(
        item.gates
            .iter()
            .find(|g| g.key == "on_call")
            .unwrap()
            .passed
    );
    assert_eq!(item.approvals.as_deref(), Some("0 of 2 approvals given"));
    let err = verdict_by(&reviewer, &request, "approve", "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("drill"), "{err}");
    assert_eq!(stage_of().await, 2);

    let target = SwitchTarget {
        scope: SwitchScope::Persona,
        id: ava.clone(),
    };
    // The buyer evaluation gates it too: Ava's reaches level 1 of the 3 that stage 3
    // needs, held back by that same drill and by her memory having no datastore or
    // documents behind it.
    let readiness = item.gates.iter().find(|g| g.key == "readiness").unwrap();
    assert!(!readiness.passed, "{readiness:?}");
    assert!(readiness.detail.contains("level 1"), "{readiness:?}");
    drill(ctx, &operator, &target).await.unwrap();
    let docs = o.capability_id(&support, "document_library").await;
    o.grant(
        &ava,
        &docs,
        "read_document",
        "read",
        &["sandbox", "staging", "production"],
        "1",
    )
    .await;
    // The requester never approves their own request, and a stranger finds nothing.
    let err = verdict_by(&o.owner, &request, "approve", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("you asked"), "{err}");
    assert_eq!(
        verdict_by(&stranger, &request, "approve", "")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        verdict_by(&operator, &request, "approve", "")
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );

    // First approval: 1 of 2, the stage holds; the same reviewer cannot count twice.
    verdict_by(&reviewer, &request, "approve", "Looks calm")
        .await
        .unwrap();
    assert_eq!(stage_of().await, 2);
    let err = verdict_by(&reviewer, &request, "approve", "")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already approved"), "{err}");
    let item = promotions().await.remove(0);
    assert!(
        item.approvals.as_deref().unwrap().starts_with("1 of 2"),
        "{:?}",
        item.approvals
    );
    assert!(
        !item.can_decide,
        "an approver of this request waits for someone else"
    );

    // A grant edit voids it, and the queue and the persona page say why.
    let kv = o.capability_id(&support, "kv_datastore").await;
    o.grant(&ava, &kv, "", "write", &["production"], "3").await;
    let item = promotions().await.remove(0);
    assert_eq!(item.approvals.as_deref(), Some("0 of 2 approvals given"));
    assert!(
        item.evidence.iter().any(|e| e.contains("grants changed")),
        "{:?}",
        item.evidence
    );
    assert!(item.can_decide);
    let page = persona_rollout(ctx, &o.owner, &ava_id).await.unwrap();
    let pending = page.pending.unwrap();
    assert!(!pending.approvals[0].counts);
    assert!(
        page.exposure[2]
            .becomes_active
            .iter()
            .any(|g| g.contains("KV"))
    );

    // Re-approved, then the space lowers stage 3's approvals to one: a limits change
    // voids it too, and the next approval promotes.
    verdict_by(&reviewer, &request, "approve", "")
        .await
        .unwrap();
    let input = LimitsInput {
        environments: None,
        max_external: "5",
        audience_cap: "25000",
        approvals_required: "1",
        attestations: "",
    };
    assert_eq!(
        set_limits(ctx, &operator, &support.parse().unwrap(), 3, input.clone())
            .await
            .unwrap_err()
            .code(),
        "forbidden",
        "operators do not set limits"
    );
    set_limits(ctx, &o.owner, &support.parse().unwrap(), 3, input)
        .await
        .unwrap();
    let item = promotions().await.remove(0);
    assert!(
        item.evidence.iter().any(|e| e.contains("limits changed")),
        "{:?}",
        item.evidence
    );
    // The requester edits the request (voids again), then one approval is enough.
    edit_request(
        ctx,
        &o.owner,
        &request,
        "Two quiet weeks; refunds reviewed",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(
        edit_request(ctx, &operator, &request, "mine now", &[])
            .await
            .unwrap_err()
            .code(),
        "conflict",
        "only the requester edits"
    );
    verdict_by(&reviewer, &request, "approve", "Approved for stage 3")
        .await
        .unwrap();
    assert_eq!(stage_of().await, 3);
    assert_eq!(
        audience().await,
        json!(25000),
        "stage 3's cap, as the space set it"
    );
    let done = promotion::Entity::find_by_id(request.as_str())
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.state, "approved");
    let update = || ask(&ava, "kv_datastore", None, "write", "production");
    assert_eq!(
        verdict(&o.decide(&token, update()).await),
        pair("allow", "granted")
    );
    assert!(promotions().await.is_empty());

    // Demotion: immediate, with a reason, operators and above.
    assert_eq!(
        demote(ctx, &viewer, &ava_id, 1, "no")
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        demote(ctx, &operator, &ava_id, 1, " ")
            .await
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert_eq!(
        demote(ctx, &operator, &ava_id, 3, "same")
            .await
            .unwrap_err()
            .code(),
        "invalid"
    );
    assert_eq!(stage_of().await, 3);
    demote(
        ctx,
        &operator,
        &ava_id,
        1,
        "A ticket went to the wrong customer",
    )
    .await
    .unwrap();
    assert_eq!(stage_of().await, 1);
    assert_eq!(
        verdict(&o.decide(&token, ticket()).await),
        pair("deny", "stage")
    );
    assert_eq!(
        verdict(&o.decide(&token, update()).await),
        pair("deny", "stage")
    );

    // A request, rejected: a comment is required, and the stage stays.
    let second = request_promotion(ctx, &operator, &ava_id, "Fixed the routing", &[])
        .await
        .unwrap()
        .to_string();
    let err = verdict_by(&reviewer, &second, "reject", " ")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid");
    verdict_by(&reviewer, &second, "reject", "Wait a week in the pilot")
        .await
        .unwrap();
    assert_eq!(
        verdict_by(&reviewer, &second, "approve", "")
            .await
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(stage_of().await, 1);

    // Break glass: owners only, with a reason; flagged on the persona page and in the log.
    let third = request_promotion(ctx, &operator, &ava_id, "Needed for the launch", &[])
        .await
        .unwrap()
        .to_string();
    assert_eq!(
        break_glass(ctx, &operator, &ava_id, "urgent")
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        break_glass(ctx, &o.owner, &ava_id, "")
            .await
            .unwrap_err()
            .code(),
        "invalid"
    );
    break_glass(ctx, &o.owner, &ava_id, "Launch cannot wait for the review")
        .await
        .unwrap();
    assert_eq!(stage_of().await, 2);
    assert_eq!(
        verdict(&o.decide(&token, ticket()).await),
        pair("allow", "granted")
    );
    let waiting = promotion::Entity::find_by_id(third.as_str())
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        waiting.state, "superseded",
        "the stage moved under the waiting request"
    );
    let page = persona_rollout(ctx, &o.owner, &ava_id).await.unwrap();
    assert_eq!(page.history[0].state, "break_glass");
    // The rollout board: Ava's card in the stage 2 column, the chart's last day counting
    // her there, Ava's earlier stages in the chart's figures; another tenant finds nothing.
    ctx.runtime
        .log
        .flush(&ctx.db, &ctx.runtime.hub)
        .await
        .unwrap();
    let b = app::domain::rollout::board(ctx, &o.owner, Some(&support))
        .await
        .unwrap();
    let column = b.columns.iter().find(|c| c.stage == 2).unwrap();
    assert!(column.cards.iter().any(|c| c.name == "Ava"), "{column:?}");
    let stage_two_today = b.stages_chart.rows.last().unwrap().1[1];
    assert!(stage_two_today >= 1);
    assert!(b.stages_chart.svg.starts_with("<svg"));
    assert_eq!(b.decisions_chart.headings.len(), 4);
    let allowed_today = b.decisions_chart.rows.last().unwrap().1[0];
    assert!(allowed_today >= 1, "this test's own decisions are counted");
    assert_eq!(
        app::domain::rollout::board(ctx, &stranger, Some(&support))
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    for action in [
        "promotion.requested",
        "promotion.approval_given",
        "promotion.approved",
        "persona.promoted",
        "promotion.demoted",
        "persona.demoted",
        "promotion.rejected",
        "promotion.break_glass",
        "persona.promoted_break_glass",
        "stage_limits.updated",
    ] {
        let n = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq(action))
            .count(&ctx.db)
            .await
            .unwrap();
        assert!(n >= 1, "no audit entry {action}");
    }
}

async fn a_trigger_url_stops_a_persona_without_a_person(app: TestApp) {
    use app::domain::entities::audit_entry;
    use app::domain::killswitch::trigger::{PATH, issue_trigger};

    let o = serve(app).await;
    let support = o.space("Support");
    let token = o.full_token(&support).await;
    let milo = o.persona("Milo");
    let chat = || ask(&milo, "chat", None, "write", "sandbox");
    let ctx = &o.app.ctx;
    let target = SwitchTarget {
        scope: SwitchScope::Persona,
        id: milo.clone(),
    };
    let viewer = cli_actor(ctx, &o.demo.viewer.email, o.demo.tenant_id.as_str())
        .await
        .unwrap();
    let stranger = cli_actor(
        ctx,
        &o.demo.other_tenant.login.email,
        o.demo.other_tenant.tenant_id.as_str(),
    )
    .await
    .unwrap();
    assert_eq!(
        issue_trigger(ctx, &viewer, &target)
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        issue_trigger(ctx, &stranger, &target)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let first = issue_trigger(ctx, &o.owner, &target).await.unwrap().secret;
    assert!(first.starts_with("kst_") && first.len() == 44, "{first}");
    assert!(
        !format!("{:?}", issue_trigger(ctx, &o.owner, &target).await.unwrap())
            .contains(&first[8..])
    );
    // That second issue rotated it: the first URL no longer answers.
    let secret = issue_trigger(ctx, &o.owner, &target).await.unwrap().secret;
    let fire = |secret: String, body: Option<&'static str>| {
        let mut request = o
            .http
            .post(format!("{}{PATH}{secret}", o.base))
            // A monitoring system is no browser: another origin, no session, no cookie.
            .header("origin", "https://alerts.example");
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        o.send(request)
    };
    let gone = fire(first.clone(), None).await;
    assert_eq!((gone.status, gone.code()), (404, "not_found"));
    let malformed = fire("kst_short".into(), None).await;
    assert_eq!(
        (malformed.status, malformed.message()),
        (404, gone.message()),
        "no hint which"
    );
    let bad_body = fire(secret.clone(), Some("[1,2]")).await;
    assert_eq!(bad_body.status, 400);
    let bad_reason = fire(secret.clone(), Some(r#"{"reason": 7}"#)).await;
    assert_eq!(bad_reason.status, 400);
    assert!(
        bad_reason.message().starts_with("reason"),
        "{}",
        bad_reason.message()
    );
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("allow", "granted"),
        "nothing changed"
    );

    // Open consoles listen too: the operator's (this tenant) and another tenant's owner's.
    let console = |cookie: String| {
        o.http
            .get(format!("{}/live/console", o.base))
            .header("cookie", cookie)
            .timeout(Duration::from_secs(30))
            .send()
    };
    let operator_cookie = o
        .app
        .sign_in(&o.demo.operator.email, &o.demo.operator.password)
        .await;
    let mut watching = console(operator_cookie).await.unwrap();
    assert_eq!(watching.status(), 200);
    let other = &o.demo.other_tenant.login;
    let mut elsewhere = console(o.app.sign_in(&other.email, &other.password).await)
        .await
        .unwrap();
    let anonymous = o.app.get("/live/console", None).await;
    assert_eq!(anonymous.status, 303, "without a session: sent to sign in");
    let operator = cli_actor(ctx, &o.demo.operator.email, o.demo.tenant_id.as_str())
        .await
        .unwrap();
    assert!(
        app::domain::killswitch::list::engaged_names(ctx, &operator)
            .await
            .unwrap()
            .is_empty()
    );

    // Fired: the switch holds, the runtime's stream hears it, decisions are denied.
    let mut stream = open_stream(&o, &token, None).await;
    let fired = fire(
        secret.clone(),
        Some(r#"{"reason": "error rate 12% on returns"}"#),
    )
    .await;
    assert_eq!(fired.status, 200, "{}", fired.json);
    assert_eq!(fired.json["engaged"], true);
    assert_eq!(fired.json["already_engaged"], false);
    assert_eq!(fired.json["scope"], "persona");
    assert_eq!(fired.json["scope_id"], milo.as_str());
    let heard = read_events(&mut stream, 1, Duration::from_secs(5)).await;
    let stop = heard
        .iter()
        .find(|e| e.1 == "kill_switch")
        .unwrap_or_else(|| panic!("{heard:?}"));
    assert_eq!(stop.2["engaged"], true);
    assert!(
        stop.2["reason"]
            .as_str()
            .unwrap()
            .contains("error rate 12% on returns")
    );
    assert_eq!(
        verdict(&o.decide(&token, chat()).await),
        pair("deny", "kill_switch")
    );
    // Every open console of the tenant hears it (the banner), and nobody else's does.
    let heard = read_events(&mut watching, 1, Duration::from_secs(5)).await;
    assert_eq!(
        heard.first().map(|e| e.1.as_str()),
        Some("switches"),
        "{heard:?}"
    );
    assert_eq!(
        app::domain::killswitch::list::engaged_names(ctx, &operator)
            .await
            .unwrap(),
        vec!["Persona Milo".to_string()]
    );
    let leaked = read_events(&mut elsewhere, 1, Duration::from_millis(500)).await;
    assert!(leaked.is_empty(), "{leaked:?}");
    let again = fire(secret.clone(), None).await;
    assert_eq!(again.json["already_engaged"], true);

    // Audited without a person, and the secret is nowhere in the log.
    let entries = audit_entry::Entity::find().all(&ctx.db).await.unwrap();
    let by_trigger = entries
        .iter()
        .filter(|e| e.action == "kill_switch.engaged" && e.actor_role == "trigger_url")
        .count();
    assert_eq!(by_trigger, 1);
    for action in ["kill_switch.trigger_issued", "kill_switch.trigger_rotated"] {
        assert!(entries.iter().any(|e| e.action == action), "no {action}");
    }
    let log = format!("{entries:?}");
    assert!(
        !log.contains(&secret[4..]) && !log.contains(&first[4..]),
        "a secret reached the audit log"
    );
}

/// The board loads waiting requests and the changes inside its 30-day chart, not a
/// space's whole history; the chart still undoes a recent change and ignores an old one.
async fn the_board_draws_stages_from_changes_inside_its_window(app: TestApp) {
    use app::domain::entities::{persona, promotion};
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

    let o = serve(app).await;
    let ctx = &o.app.ctx;
    let support = o.space("Support");
    let ava = o.persona("Ava");
    let now = time::OffsetDateTime::now_utc();
    let days_ago = |d: i64| now - time::Duration::days(d);
    // Ava: created 60 days ago, 1→2 40 days ago (before the window), 2→3 10 days ago
    // (inside it), and a request for 4 waiting now.
    let mut row = persona::Entity::find_by_id(ava.as_str())
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.stage = Set(3);
    row.created_at = Set(days_ago(60));
    row.update(&ctx.db).await.unwrap();
    let Actor::Console(owner) = &o.owner;
    let owner_id = owner.user_id.to_string();
    for (from, state, decided) in [
        (1, "approved", Some(days_ago(40))),
        (2, "approved", Some(days_ago(10))),
        (3, "pending", None),
    ] {
        promotion::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            tenant_id: Set(o.demo.tenant_id.as_str().to_string()),
            space_id: Set(support.clone()),
            persona_id: Set(ava.clone()),
            from_stage: Set(from),
            to_stage: Set(from + 1),
            requested_by: Set(owner_id.clone()),
            requested_at: Set(decided.unwrap_or(now) - time::Duration::hours(1)),
            reason: Set("Window test".into()),
            attestations: Set("[]".into()),
            version: Set(1),
            state: Set(state.into()),
            decided_by: Set(decided.map(|_| owner_id.clone())),
            decided_at: Set(decided),
            comment: Set(None),
        }
        .insert(&ctx.db)
        .await
        .unwrap();
    }

    let b = app::domain::rollout::board(ctx, &o.owner, Some(&support))
        .await
        .unwrap();
    // The chart's first day (29 days ago): only Ava existed, at stage 2.
    assert_eq!(
        b.stages_chart.rows[0].1,
        vec![0, 1, 0, 0],
        "{:?}",
        b.stages_chart.rows
    );
    // Today: Ava at 3, waiting for 4.
    assert!(b.stages_chart.rows.last().unwrap().1[2] >= 1);
    let column = b.columns.iter().find(|c| c.stage == 3).unwrap();
    let card = column.cards.iter().find(|c| c.name == "Ava").unwrap();
    assert!(
        card.pending
            .as_deref()
            .is_some_and(|p| p.starts_with("Waiting: to stage 4")),
        "{card:?}"
    );
}
