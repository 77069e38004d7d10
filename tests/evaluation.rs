//! Buyer evaluation through its services and over HTTP, against a real database: the
//! demo's evaluations read as seeded; live checks move with the data; attestations are
//! validated and turn stale; completion stores a snapshot and the next view says what
//! changed; share links open for anyone while live and are refused (with no hint) when
//! expired, revoked or tampered with; an evaluator changes evaluations and nothing else;
//! the promotion gate uses the readiness level. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::{HOST, ORIGIN, TestApp, form};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use app::domain::Actor;
use app::domain::auth::login::cli_actor;
use app::domain::demo::Demo;
use app::domain::entities::{
    audit_entry, evaluation, evaluation_attestation, evaluation_share, evaluation_snapshot,
};
use app::domain::evaluation::{attest, complete, page, share, start, view};
use app::domain::grants::{SetGrant, set_grant};
use app::domain::killswitch::SwitchTarget;
use app::domain::killswitch::drill::drill;
use app::domain::runtime::snapshot::SwitchScope;
use app::types::{EvaluationId, ItemStatus, PersonaId, ShareId, SpaceId};

on_both_databases!(
    the_demo_ships_a_completed_and_an_in_progress_evaluation,
    live_checks_follow_the_data_and_completion_records_what_changed,
    bad_attestations_are_refused_and_change_nothing,
    attestations_older_than_ninety_days_turn_stale,
    share_links_open_while_live_and_are_refused_without_a_hint_otherwise,
    an_evaluator_changes_evaluations_and_nothing_else,
    other_tenants_evaluations_do_not_exist,
    reports_export_as_markdown_and_json_and_pages_render,
    the_promotion_gate_uses_the_readiness_level,
);

struct World {
    demo: Demo,
    owner: Actor,
    operator: Actor,
    evaluator: Actor,
    viewer: Actor,
    outsider: Actor,
}

async fn world(app: &TestApp) -> World {
    let demo = app.demo().await;
    let tenant = demo.tenant_id.to_string();
    let who = |email: String| {
        let ctx = app.ctx.clone();
        let tenant = tenant.clone();
        async move { cli_actor(&ctx, &email, &tenant).await.unwrap() }
    };
    World {
        owner: who(demo.login.email.clone()).await,
        operator: who(demo.operator.email.clone()).await,
        evaluator: who(demo.evaluator.email.clone()).await,
        viewer: who(demo.viewer.email.clone()).await,
        outsider: cli_actor(
            &app.ctx,
            &demo.other_tenant.login.email,
            demo.other_tenant.tenant_id.as_str(),
        )
        .await
        .unwrap(),
        demo,
    }
}

impl World {
    fn space(&self, name: &str) -> SpaceId {
        self.demo
            .spaces
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
            .clone()
    }
    fn persona(&self, name: &str) -> PersonaId {
        self.demo
            .personas
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .id
            .clone()
    }
}

async fn evaluation_titled(app: &TestApp, title: &str) -> EvaluationId {
    let e = evaluation::Entity::find()
        .filter(evaluation::Column::Title.eq(title))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    EvaluationId::from_db(e.id)
}

const AVA_EVAL: &str = "Ava: support concierge readiness";
const BACK_OFFICE_EVAL: &str = "Back Office: first look";

fn status_of(v: &app::types::EvaluationView, key: &str) -> ItemStatus {
    v.report
        .questions
        .iter()
        .flat_map(|q| q.items.iter())
        .find(|i| i.key == key)
        .map(|i| i.status)
        .unwrap()
}

async fn audit_total(app: &TestApp) -> u64 {
    audit_entry::Entity::find()
        .count(&app.ctx.db)
        .await
        .unwrap()
}

async fn the_demo_ships_a_completed_and_an_in_progress_evaluation(app: TestApp) {
    let w = world(&app).await;
    let listed = page(&app.ctx, &w.evaluator).await.unwrap();
    assert_eq!(listed.evaluations.len(), 2);
    assert!(listed.can_start);

    let ava = view(
        &app.ctx,
        &w.evaluator,
        &evaluation_titled(&app, AVA_EVAL).await,
    )
    .await
    .unwrap();
    assert_eq!(ava.report.state, "completed");
    assert_eq!(ava.report.persona_name.as_deref(), Some("Ava"));
    assert_eq!(ava.snapshots.len(), 1);
    assert!(
        ava.report.open_items.is_empty(),
        "{:?}",
        ava.report.open_items
    );
    // Level 1: the drill and Ava's memory (no datastore granted) hold level 2 back.
    assert_eq!(ava.report.level, 1, "{:?}", ava.report.blockers);
    assert_eq!(status_of(&ava, "control.drill"), ItemStatus::Fail);
    assert_eq!(status_of(&ava, "continuity.backed"), ItemStatus::Fail);
    assert_eq!(status_of(&ava, "control.on_call"), ItemStatus::Pass);
    assert_eq!(status_of(&ava, "control.reviewers"), ItemStatus::Pass);
    assert_eq!(status_of(&ava, "launch.boundaries"), ItemStatus::Pass);
    // Ava reads Zendesk from the pilot stage on: worth a look, not a blocker.
    assert_eq!(status_of(&ava, "launch.native_first"), ItemStatus::Warning);
    assert_eq!(ava.report.blockers.len(), 2, "{:?}", ava.report.blockers);
    // Every item links to its evidence: the page that shows the checked data, or the
    // audit entry of the statement.
    for item in ava.report.questions.iter().flat_map(|q| q.items.iter()) {
        assert!(item.evidence.is_some(), "{}", item.key);
        assert_eq!(item.automatic, item.attestation.is_none(), "{}", item.key);
    }
    assert!(ava.changes.is_empty(), "nothing moved since the run");

    let back = view(
        &app.ctx,
        &w.evaluator,
        &evaluation_titled(&app, BACK_OFFICE_EVAL).await,
    )
    .await
    .unwrap();
    assert_eq!(back.report.state, "in_progress");
    assert_eq!(back.step, 3, "resumes where the evaluator left off");
    assert_eq!(back.report.persona_name, None);
    assert_eq!(back.report.level, 0);
    // Otto has nobody on call, and his external read is active in the pilot.
    assert_eq!(status_of(&back, "control.on_call"), ItemStatus::Fail);
    assert_eq!(status_of(&back, "rollout.within_limits"), ItemStatus::Fail);
    assert_eq!(status_of(&back, "surfaces.fit"), ItemStatus::Pass);
    assert_eq!(status_of(&back, "continuity.meaning"), ItemStatus::Open);
    assert_eq!((back.statements_written, back.statements), (2, 6));
    assert!(back.checks_ready < back.checks);
}

async fn live_checks_follow_the_data_and_completion_records_what_changed(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, AVA_EVAL).await;
    let ava = w.persona("Ava");
    drill(
        &app.ctx,
        &w.operator,
        &SwitchTarget {
            scope: SwitchScope::Persona,
            id: ava.to_string(),
        },
    )
    .await
    .unwrap();
    let after_drill = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert_eq!(status_of(&after_drill, "control.drill"), ItemStatus::Pass);
    assert_eq!(
        status_of(&after_drill, "control.propagation"),
        ItemStatus::Pass
    );
    assert_eq!(after_drill.report.level, 1, "memory still has no backing");
    let moved: Vec<&str> = after_drill
        .changes
        .iter()
        .map(|c| c.what.as_str())
        .collect();
    assert!(
        moved.contains(&"The kill-switch was drilled in the last 30 days"),
        "{moved:?}"
    );

    // Granting Ava the datastore backs her memory: level 3 (level 4 needs a trigger URL,
    // weeks of activity, and nothing else).
    let kv = app::domain::entities::capability::Entity::find()
        .filter(
            app::domain::entities::capability::Column::SpaceId
                .eq(w.space("Customer Support").as_str()),
        )
        .filter(app::domain::entities::capability::Column::Key.eq("kv_datastore"))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    set_grant(
        &app.ctx,
        &w.owner,
        &ava,
        SetGrant {
            capability_id: &kv.id,
            action: "",
            access: "read",
            environments: &["sandbox".to_string()],
            min_stage: "1",
            reason: "",
            version: None,
        },
    )
    .await
    .unwrap();
    let ready = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert_eq!(ready.report.level, 3, "{:?}", ready.report.blockers);
    assert!(
        ready
            .report
            .blockers
            .iter()
            .any(|b| b.contains("Monitoring can stop the persona"))
    );

    // Completing stores a second run; the view then compares against it.
    assert_eq!(complete(&app.ctx, &w.evaluator, &id).await.unwrap(), 3);
    let runs = evaluation_snapshot::Entity::find()
        .filter(evaluation_snapshot::Column::EvaluationId.eq(id.as_str()))
        .count(&app.ctx.db)
        .await
        .unwrap();
    assert_eq!(runs, 2);
    let now = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert!(now.changes.is_empty(), "{:?}", now.changes);
    assert_eq!(now.snapshots[0].level, 3);
}

async fn bad_attestations_are_refused_and_change_nothing(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, BACK_OFFICE_EVAL).await;
    let before = audit_total(&app).await;
    let rows = || async {
        format!(
            "{:?}",
            evaluation_attestation::Entity::find()
                .all(&app.ctx.db)
                .await
                .unwrap()
        )
    };
    let was = rows().await;
    let long = "x".repeat(1001);
    for (item, statement, field, says) in [
        ("continuity.meaning", "", "statement", "at least 10"),
        (
            "continuity.meaning",
            "   too short ",
            "statement",
            "at least 10",
        ),
        (
            "continuity.meaning",
            long.as_str(),
            "statement",
            "at most 1000",
        ),
        (
            "continuity.meaning",
            "Has a \u{7} bell in it",
            "statement",
            "control characters",
        ),
        (
            "control.drill",
            "We drilled it last week, honest.",
            "item",
            "cannot be attested",
        ),
        (
            "no.such.item",
            "A perfectly fine statement.",
            "item",
            "no such item",
        ),
    ] {
        let err = attest(&app.ctx, &w.evaluator, &id, item, statement)
            .await
            .unwrap_err();
        match &err {
            app::AppError::Invalid { field: f, message } => {
                assert_eq!(f, field, "{item}: {err}");
                assert!(message.contains(says), "{item}: {message}");
            }
            other => panic!("{item}: expected a field error, got {other:?}"),
        }
    }
    assert_eq!(rows().await, was, "nothing written");
    assert_eq!(audit_total(&app).await, before, "nothing audited");

    // Completing with open items is allowed; the report lists them.
    complete(&app.ctx, &w.evaluator, &id).await.unwrap();
    let done = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert!(
        done.report
            .open_items
            .contains(&"We decided what continuity means for our use case".to_string())
    );
    let md = app::domain::evaluation::report::markdown(&done.report);
    assert!(md.contains("## Open items"), "{md}");
}

async fn attestations_older_than_ninety_days_turn_stale(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, AVA_EVAL).await;
    let row = evaluation_attestation::Entity::find()
        .filter(evaluation_attestation::Column::EvaluationId.eq(id.as_str()))
        .filter(evaluation_attestation::Column::ItemKey.eq("surfaces.fit"))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut old: evaluation_attestation::ActiveModel = row.into();
    old.attested_at = Set(app::domain::now() - time::Duration::days(91));
    old.update(&app.ctx.db).await.unwrap();
    let v = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert_eq!(status_of(&v, "surfaces.fit"), ItemStatus::Stale);
    assert_eq!(v.report.level, 0, "a stale level-1 item caps everything");
    assert!(
        v.report
            .open_items
            .contains(&"These surfaces are where our users will meet the persona".to_string())
    );
    // Attesting again makes it fresh.
    attest(
        &app.ctx,
        &w.evaluator,
        &id,
        "surfaces.fit",
        "Still true: chat and the help center, checked again today.",
    )
    .await
    .unwrap();
    let v = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    assert_eq!(status_of(&v, "surfaces.fit"), ItemStatus::Pass);
    assert_eq!(
        v.report.state, "in_progress",
        "an attestation reopens the run"
    );
}

async fn share_links_open_while_live_and_are_refused_without_a_hint_otherwise(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, AVA_EVAL).await;
    let made = share::create(&app.ctx, &w.evaluator, &id, "")
        .await
        .unwrap();
    let secret = made.url_path.strip_prefix(share::PATH).unwrap().to_string();
    let report = share::open(&app.ctx, &secret).await.unwrap();
    assert_eq!(report.title, AVA_EVAL);
    // No links into the console for a reader without an account.
    assert!(
        report
            .questions
            .iter()
            .flat_map(|q| q.items.iter())
            .all(|i| i.evidence.is_none())
    );
    // The log names the link by its prefix, never the secret.
    let logged = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("evaluation.share"))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!logged.diff.contains(&secret[8..]), "{}", logged.diff);

    // Over HTTP, without any account.
    let page = app.get(&made.url_path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(AVA_EVAL));
    let md = app
        .get(&format!("{}/export?format=md", made.url_path), None)
        .await;
    assert_eq!(md.status, 200);
    assert!(md.body.contains("Readiness level: 1"), "{}", md.body);

    // Tampered (one character changed), truncated, or another prefix: all "not found".
    let mut tampered = secret.clone().into_bytes();
    tampered[10] = if tampered[10] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        tampered.as_str(),
        &secret[..secret.len() - 1],
        "evs_nothing",
        &secret.replace("evs_", "psn_"),
    ] {
        let err = share::open(&app.ctx, bad).await.unwrap_err();
        assert_eq!(err.code(), "not_found", "{bad}");
        let page = app.get(&format!("{}{bad}", share::PATH), None).await;
        assert_eq!(page.status, 404, "{bad}");
        // A browser (it accepts HTML) gets the same status, not a 200 with the notice.
        let browser = app
            .send(
                Request::get(format!("{}{bad}", share::PATH))
                    .header(header::ACCEPT, "text/html,application/xhtml+xml")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(browser.status, 404, "{bad}");
        assert!(page.body.contains("This link is not valid"));
        assert!(!page.body.contains(AVA_EVAL));
    }

    // A multi-byte character across the checksum separator keeps the length: the same
    // answer, not a panic.
    let across = format!("{}é{}", &secret[..35], &secret[37..]);
    assert_eq!(
        share::open(&app.ctx, &across).await.unwrap_err().code(),
        "not_found"
    );
    let page = app
        .get(
            &format!("{}{}%C3%A9{}", share::PATH, &secret[..35], &secret[37..]),
            None,
        )
        .await;
    assert_eq!(page.status, 404);

    // Expired: the same answer.
    let row = evaluation_share::Entity::find()
        .filter(evaluation_share::Column::EvaluationId.eq(id.as_str()))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let share_id = ShareId::from_db(row.id.clone());
    let mut expired: evaluation_share::ActiveModel = row.clone().into();
    expired.expires_at = Set(app::domain::now() - time::Duration::seconds(1));
    expired.update(&app.ctx.db).await.unwrap();
    assert_eq!(
        share::open(&app.ctx, &secret).await.unwrap_err().code(),
        "not_found"
    );
    let expired_page = app.get(&made.url_path, None).await;
    assert_eq!(expired_page.status, 404);

    // Revoked: a fresh link works, then stops the moment it is revoked (audited).
    let fresh = share::create(&app.ctx, &w.owner, &id, "2").await.unwrap();
    let fresh_secret = fresh
        .url_path
        .strip_prefix(share::PATH)
        .unwrap()
        .to_string();
    assert!(share::open(&app.ctx, &fresh_secret).await.is_ok());
    let fresh_id = ShareId::from_db(
        evaluation_share::Entity::find()
            .filter(evaluation_share::Column::Id.ne(share_id.as_str()))
            .one(&app.ctx.db)
            .await
            .unwrap()
            .unwrap()
            .id,
    );
    share::revoke(&app.ctx, &w.evaluator, &fresh_id)
        .await
        .unwrap();
    assert_eq!(
        share::open(&app.ctx, &fresh_secret)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("evaluation.share_revoke"))
            .count(&app.ctx.db)
            .await
            .unwrap(),
        1
    );

    // Bad lifetimes are refused with the field named.
    for days in ["0", "31", "soon"] {
        let err = share::create(&app.ctx, &w.evaluator, &id, days)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, app::AppError::Invalid { field, .. } if field == "days"),
            "{days}: {err:?}"
        );
    }
    // Viewers read the report but make no links; other tenants find nothing to share.
    assert_eq!(
        share::create(&app.ctx, &w.viewer, &id, "")
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        share::create(&app.ctx, &w.outsider, &id, "")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        share::revoke(&app.ctx, &w.outsider, &share_id)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

async fn an_evaluator_changes_evaluations_and_nothing_else(app: TestApp) {
    use app::domain::killswitch::engage::engage;
    use app::domain::rollout::request_promotion;
    use app::domain::spaces::create::create_space;
    use app::domain::tokens::issue::{NewToken, issue_token};
    let w = world(&app).await;
    let support = w.space("Customer Support");
    let ava = w.persona("Ava");
    let e = &w.evaluator;
    let forbidden = |r: Result<(), app::AppError>, what: &str| {
        assert_eq!(r.unwrap_err().code(), "forbidden", "{what}");
    };
    let before = audit_total(&app).await;
    forbidden(
        set_grant(
            &app.ctx,
            e,
            &ava,
            SetGrant {
                capability_id: "00000000-0000-7000-8000-000000000000",
                action: "",
                access: "read",
                environments: &[],
                min_stage: "1",
                reason: "",
                version: None,
            },
        )
        .await
        .map(|_| ()),
        "set_grant",
    );
    let target = SwitchTarget {
        scope: SwitchScope::Persona,
        id: ava.to_string(),
    };
    forbidden(
        engage(&app.ctx, e, &target, "stop").await.map(|_| ()),
        "engage",
    );
    forbidden(drill(&app.ctx, e, &target).await.map(|_| ()), "drill");
    forbidden(
        request_promotion(&app.ctx, e, &ava, "ready", &[])
            .await
            .map(|_| ()),
        "request_promotion",
    );
    forbidden(
        create_space(&app.ctx, e, "Mine", "").await.map(|_| ()),
        "create_space",
    );
    forbidden(
        issue_token(
            &app.ctx,
            e,
            &support,
            NewToken {
                name: "t",
                ..Default::default()
            },
        )
        .await
        .map(|_| ()),
        "issue_token",
    );
    assert_eq!(audit_total(&app).await, before, "nothing changed");

    // Within evaluations, an evaluator does everything; a viewer does nothing.
    let id = start(&app.ctx, e, &support, ava.as_str(), "")
        .await
        .unwrap();
    let v = view(&app.ctx, e, &id).await.unwrap();
    assert_eq!(v.report.title, "Readiness of Ava in Customer Support");
    assert!(v.can_edit);
    attest(
        &app.ctx,
        e,
        &id,
        "launch.workflow",
        "Order-status questions only, for now.",
    )
    .await
    .unwrap();
    complete(&app.ctx, e, &id).await.unwrap();
    assert_eq!(
        start(&app.ctx, &w.viewer, &support, "", "")
            .await
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(
        attest(
            &app.ctx,
            &w.viewer,
            &id,
            "launch.workflow",
            "Not mine to say, though."
        )
        .await
        .unwrap_err()
        .code(),
        "forbidden"
    );
    assert!(!view(&app.ctx, &w.viewer, &id).await.unwrap().can_edit);
    // A persona of another space is refused with the field named.
    let otto = w.persona("Otto");
    let err = start(&app.ctx, e, &support, otto.as_str(), "")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, app::AppError::Invalid { field, .. } if field == "persona_id"),
        "{err:?}"
    );
    let err = start(&app.ctx, e, &support, "", &"t".repeat(201))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, app::AppError::Invalid { field, .. } if field == "title"),
        "{err:?}"
    );
}

async fn other_tenants_evaluations_do_not_exist(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, AVA_EVAL).await;
    let before = audit_total(&app).await;
    let o = &w.outsider;
    assert_eq!(
        view(&app.ctx, o, &id).await.unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        attest(&app.ctx, o, &id, "surfaces.fit", "Crossing tenants here.")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        complete(&app.ctx, o, &id).await.unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        start(&app.ctx, o, &w.space("Customer Support"), "", "")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    let theirs = page(&app.ctx, o).await.unwrap();
    assert!(theirs.evaluations.is_empty());
    assert!(
        theirs
            .targets
            .iter()
            .all(|t| t.space_name == "Contoso Sandbox")
    );
    assert_eq!(audit_total(&app).await, before);
}

async fn reports_export_as_markdown_and_json_and_pages_render(app: TestApp) {
    let w = world(&app).await;
    let id = evaluation_titled(&app, AVA_EVAL).await;
    let cookie = app
        .sign_in(&w.demo.evaluator.email, &w.demo.evaluator.password)
        .await;
    let md = app
        .get(
            &format!("/evaluations/{id}/export?format=md"),
            Some(&cookie),
        )
        .await;
    assert_eq!(md.status, 200);
    assert_eq!(
        md.header("content-type"),
        Some("text/markdown; charset=utf-8")
    );
    assert!(md.body.starts_with(&format!("# {AVA_EVAL}")), "{}", md.body);
    assert!(md.body.contains("## What blocks level 2"));
    let json = app
        .get(
            &format!("/evaluations/{id}/export?format=json"),
            Some(&cookie),
        )
        .await;
    assert_eq!(json.status, 200);
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(parsed["level"], 1);
    assert_eq!(parsed["questions"].as_array().unwrap().len(), 6);
    let bad = app
        .get(
            &format!("/evaluations/{id}/export?format=pdf"),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, 400);
    // Signed out: sent to sign in; another tenant: not found.
    let signed_out = app
        .get(&format!("/evaluations/{id}/export?format=md"), None)
        .await;
    assert_eq!(signed_out.status, 303);
    let theirs = app
        .sign_in(
            &w.demo.other_tenant.login.email,
            &w.demo.other_tenant.login.password,
        )
        .await;
    let crossed = app
        .get(
            &format!("/evaluations/{id}/export?format=md"),
            Some(&theirs),
        )
        .await;
    assert_eq!(crossed.status, 404);
    assert!(!crossed.body.contains("Ava"));

    // The pages render on the server, whole.
    for (path, wants) in [
        ("/evaluations".to_string(), AVA_EVAL),
        (format!("/evaluations/{id}"), "Summary"),
        (
            format!("/evaluations/{id}?step=4"),
            "Can operators stay in control?",
        ),
        (format!("/evaluations/{id}?step=7"), "What blocks level 2"),
        (format!("/evaluations/{id}/report"), "Download Markdown"),
    ] {
        let page = app.get(&path, Some(&cookie)).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(wants), "{path} lacks {wants}");
    }
    // Opening a step remembers it.
    let stored = evaluation::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.step, 7);
    // Attestation forms posted without JavaScript: a refusal comes back to the step
    // with the error beside its own form only; a good one is saved.
    let app = &app;
    let post = |statement: &'static str| {
        let cookie = cookie.clone();
        let id = id.clone();
        async move {
            let request = Request::post("/api/attest_item")
                .header(header::HOST, HOST)
                .header(header::ORIGIN, ORIGIN)
                .header(header::REFERER, format!("{ORIGIN}/evaluations/{id}?step=4"))
                .header(header::ACCEPT, "text/html,application/xhtml+xml")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &cookie)
                .body(Body::from(form(&[
                    ("evaluation_id", id.as_str()),
                    ("item", "control.runbook"),
                    ("statement", statement),
                ])))
                .unwrap();
            app.send(request).await
        }
    };
    let refused = post("short").await;
    assert!((300..400).contains(&refused.status), "{}", refused.status);
    let back = refused.location().trim_start_matches(ORIGIN).to_string();
    assert!(
        back.starts_with(&format!("/evaluations/{id}?step=4")),
        "{back}"
    );
    let page = app.get(&back, Some(&cookie)).await;
    let beside = |item: &str| {
        page.body
            .split(&format!(r#"id="att-{item}-error""#))
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        beside("control-runbook").contains("at least 10"),
        "{}",
        beside("control-runbook")
    );
    assert!(!beside("control-operator_path").contains('⚠'));
    let saved = post("Runbook v4 adds the evening shift.").await;
    assert!((300..400).contains(&saved.status), "{}", saved.status);
    let v = view(&app.ctx, &w.evaluator, &id).await.unwrap();
    let runbook = v
        .report
        .questions
        .iter()
        .flat_map(|q| q.items.iter())
        .find(|i| i.key == "control.runbook")
        .unwrap();
    assert_eq!(
        runbook.attestation.as_ref().unwrap().statement,
        "Runbook v4 adds the evening shift."
    );
    assert_eq!(runbook.attestation.as_ref().unwrap().by, "Eve Evaluator");
}

async fn the_promotion_gate_uses_the_readiness_level(app: TestApp) {
    use app::domain::rollout::persona_rollout;
    let w = world(&app).await;
    let ava = w.persona("Ava");
    let gate = |view: &app::types::PersonaRolloutView| {
        view.next_gates
            .iter()
            .find(|g| g.key == "readiness")
            .cloned()
            .unwrap()
    };
    // Ava is at stage 2; stage 3 needs level 3; her evaluation reaches level 1.
    let before = persona_rollout(&app.ctx, &w.owner, &ava).await.unwrap();
    let readiness = gate(&before);
    assert!(!readiness.passed);
    assert!(readiness.detail.contains("level 1"), "{}", readiness.detail);
    // Only completed evaluations count: a new, empty one focused on Ava does not move
    // her gate, and the Back Office's (never completed) covers nobody yet.
    let support = w.space("Customer Support");
    let empty = start(&app.ctx, &w.evaluator, &support, ava.as_str(), "Empty")
        .await
        .unwrap();
    let ava_gate = || async { gate(&persona_rollout(&app.ctx, &w.owner, &ava).await.unwrap()) };
    assert!(ava_gate().await.detail.contains(AVA_EVAL));
    let otto = persona_rollout(&app.ctx, &w.owner, &w.persona("Otto"))
        .await
        .unwrap();
    assert!(
        gate(&otto).detail.contains("No completed evaluation"),
        "{}",
        gate(&otto).detail
    );
    // A completed space-wide one covers Milo (nothing focused on him), at level 0; it
    // does not override the one focused on Ava.
    let whole = start(&app.ctx, &w.evaluator, &support, "", "Whole support space")
        .await
        .unwrap();
    complete(&app.ctx, &w.evaluator, &whole).await.unwrap();
    let milo = persona_rollout(&app.ctx, &w.owner, &w.persona("Milo"))
        .await
        .unwrap();
    assert!(
        gate(&milo).detail.contains("Whole support space"),
        "{}",
        gate(&milo).detail
    );
    assert!(!gate(&milo).passed);
    assert!(ava_gate().await.detail.contains(AVA_EVAL));
    // Once the focused one is completed too, it is Ava's (the newest focused on her).
    complete(&app.ctx, &w.evaluator, &empty).await.unwrap();
    assert!(ava_gate().await.detail.contains("“Empty”"));
}
