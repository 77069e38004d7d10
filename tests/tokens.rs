//! Runtime tokens through the console's server functions, as the browser calls them:
//! issuing (secret shown once, only a hash stored, audited), the refusals (each field,
//! roles, other tenants), revoking, rotating with a grace period, expiry, and "last used"
//! written in batches. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Reply, TestApp, form};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use app::AppError;
use app::domain::entities::{audit_entry, runtime_token};
use app::domain::tokens::authenticate::authenticate;
use app::types::RuntimeScope;

on_both_databases!(
    an_operator_issues_a_token_that_is_shown_once_and_stored_as_a_hash,
    bad_token_requests_are_refused_by_field_and_change_nothing,
    only_operators_and_above_manage_tokens_and_other_tenants_see_nothing,
    a_revoked_token_fails_on_its_next_request,
    a_rotated_token_keeps_working_for_its_grace_period_only,
    expired_and_malformed_tokens_fail_before_anything_else,
    last_used_is_recorded_in_batches_not_per_request,
);

/// A refused issue request: its fields, the field named, and words of the message.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

struct Seen {
    tokens: u64,
    audit: u64,
}

async fn seen(app: &TestApp) -> Seen {
    Seen {
        tokens: runtime_token::Entity::find()
            .count(&app.ctx.db)
            .await
            .unwrap(),
        audit: audit_entry::Entity::find()
            .count(&app.ctx.db)
            .await
            .unwrap(),
    }
}

async fn issue(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Reply {
    app.post_form("/api/issue_token", &form(fields), Some(cookie))
        .await
}

/// The space's token list as JSON, as the page receives it.
async fn list(app: &TestApp, cookie: &str, space: &str) -> serde_json::Value {
    json(
        &app.post_form(
            "/api/list_tokens",
            &form(&[("space_id", space)]),
            Some(cookie),
        )
        .await,
    )
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body))
}

/// Issues a token with every scope in the demo's first space as `cookie`; returns
/// (id, secret).
async fn issue_full(app: &TestApp, cookie: &str, space: &str, name: &str) -> (String, String) {
    let body = format!(
        "space_id={space}&name={}&{}&expires_in_days=30",
        name.replace(' ', "+"),
        RuntimeScope::ALL
            .iter()
            .map(|s| format!("scopes%5B%5D={}", s.as_str().replace(':', "%3A")))
            .collect::<Vec<_>>()
            .join("&")
    );
    let reply = app.post_form("/api/issue_token", &body, Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let v = json(&reply);
    (
        v["id"].as_str().unwrap().into(),
        v["token"].as_str().unwrap().into(),
    )
}

async fn an_operator_issues_a_token_that_is_shown_once_and_stored_as_a_hash(app: TestApp) {
    let demo = app.demo().await;
    let operator = app
        .sign_in(&demo.operator.email, &demo.operator.password)
        .await;
    let space = demo.spaces[0].id.to_string();
    let persona = demo
        .personas
        .iter()
        .find(|p| p.space_id == demo.spaces[0].id)
        .unwrap();
    let before = seen(&app).await;
    let body = format!(
        "space_id={space}&name=Support+runtime&scopes%5B%5D=policy%3Aread&scopes%5B%5D=decisions%3Awrite&persona_id={}&expires_in_days=7",
        persona.id
    );
    let reply = app
        .post_form("/api/issue_token", &body, Some(&operator))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let issued = json(&reply);
    let secret = issued["token"].as_str().unwrap();
    assert!(secret.starts_with("psn_") && secret.len() == 43);
    assert_eq!(issued["prefix"].as_str().unwrap(), &secret[..10]);

    // Stored: the hash and the prefix, never the token.
    let row = runtime_token::Entity::find_by_id(issued["id"].as_str().unwrap())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.secret_hash, app::domain::tokens::format::hash(secret));
    assert!(!format!("{row:?}").contains(&secret[10..]));
    assert_eq!(row.persona_id.as_deref(), Some(persona.id.as_str()));
    let days = (row.expires_at - row.created_at).whole_days();
    assert_eq!(days, 7);

    // Exactly one audit entry, which names the prefix and not the secret.
    let after = seen(&app).await;
    assert_eq!(after.tokens, before.tokens + 1);
    assert_eq!(after.audit, before.audit + 1);
    let entry = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("token.issued"))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert!(entry.diff.contains(&secret[..10]) && !entry.diff.contains(&secret[10..]));
    assert_eq!(entry.actor_role, "operator");

    // The list shows it without the secret; the token authenticates with its reach.
    let list = app
        .post_form(
            "/api/list_tokens",
            &form(&[("space_id", &space)]),
            Some(&operator),
        )
        .await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Support runtime") && !list.body.contains(&secret[10..]));
    let listed = json(&list);
    assert_eq!(listed["can_manage"], true);
    assert_eq!(listed["tokens"][0]["status"], "Active");
    let token = authenticate(&app.ctx, secret).await.unwrap();
    assert_eq!(token.space_id, demo.spaces[0].id);
    assert_eq!(token.persona_id.as_ref(), Some(&persona.id));
    assert_eq!(
        token.scopes,
        vec![RuntimeScope::PolicyRead, RuntimeScope::DecisionsWrite]
    );
    assert_eq!(
        token.require(RuntimeScope::StreamRead),
        Err(AppError::Forbidden)
    );
    // The token page renders for the operator with the issue form.
    let page = app
        .get(&format!("/spaces/{space}/tokens"), Some(&operator))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Support runtime") && page.body.contains("Issue a token"));
}

async fn bad_token_requests_are_refused_by_field_and_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = demo.spaces[0].id.to_string();
    let other_space_persona = demo
        .personas
        .iter()
        .find(|p| p.space_id != demo.spaces[0].id)
        .unwrap()
        .id
        .to_string();
    let foreign_persona = demo.other_tenant.personas[0].id.to_string();
    let before = seen(&app).await;
    // (fields besides the space, the field refused, words of its message)
    let cases: Vec<Case> = vec![
        (
            vec![("name", "  "), ("scopes[]", "policy:read")],
            "name",
            "must not be empty",
        ),
        (vec![("name", "No scopes")], "scopes", "at least one"),
        (
            vec![("name", "Odd"), ("scopes[]", "admin:everything")],
            "scopes",
            "not a runtime scope",
        ),
        (
            vec![
                ("name", "Long"),
                ("scopes[]", "policy:read"),
                ("expires_in_days", "366"),
            ],
            "expires_in_days",
            "1 to 365",
        ),
        (
            vec![
                ("name", "Zero"),
                ("scopes[]", "policy:read"),
                ("expires_in_days", "0"),
            ],
            "expires_in_days",
            "1 to 365",
        ),
        (
            vec![
                ("name", "Elsewhere"),
                ("scopes[]", "policy:read"),
                ("persona_id", &other_space_persona),
            ],
            "persona_id",
            "persona of this space",
        ),
        (
            vec![
                ("name", "Foreign"),
                ("scopes[]", "policy:read"),
                ("persona_id", &foreign_persona),
            ],
            "persona_id",
            "persona of this space",
        ),
        (
            vec![
                ("name", "Garbage"),
                ("scopes[]", "policy:read"),
                ("app_id", "nope"),
            ],
            "app_id",
            "app of this space",
        ),
    ];
    for (fields, field, message) in cases {
        let mut all = vec![("space_id", space.as_str())];
        all.extend(fields.iter().copied());
        let reply = issue(&app, &owner, &all).await;
        assert_eq!(reply.status, 400, "{fields:?}: {}", reply.body);
        assert!(
            reply.body.contains(&format!(r#""field":"{field}""#)) && reply.body.contains(message),
            "{fields:?}: {}",
            reply.body
        );
    }
    let after = seen(&app).await;
    assert_eq!((after.tokens, after.audit), (before.tokens, before.audit));
}

async fn only_operators_and_above_manage_tokens_and_other_tenants_see_nothing(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let viewer = app.sign_in(&demo.viewer.email, &demo.viewer.password).await;
    let outsider = app
        .sign_in(
            &demo.other_tenant.login.email,
            &demo.other_tenant.login.password,
        )
        .await;
    let space = demo.spaces[0].id.to_string();
    let (id, _) = issue_full(&app, &owner, &space, "Owner's token").await;
    let before = seen(&app).await;

    // The viewer sees the list (no secrets) but may not change it.
    let list = app
        .post_form(
            "/api/list_tokens",
            &form(&[("space_id", &space)]),
            Some(&viewer),
        )
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(json(&list)["can_manage"], false);
    let refused = issue(
        &app,
        &viewer,
        &[
            ("space_id", &space),
            ("name", "Mine"),
            ("scopes[]", "policy:read"),
        ],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    for path in ["/api/revoke_token", "/api/rotate_token"] {
        let r = app
            .post_form(path, &form(&[("token_id", &id)]), Some(&viewer))
            .await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
    }

    // Another tenant's owner: the space and the token do not exist for them, exactly as
    // ids that were never issued.
    let never = uuid::Uuid::now_v7().to_string();
    for (path, key, real) in [
        ("/api/list_tokens", "space_id", space.as_str()),
        ("/api/revoke_token", "token_id", id.as_str()),
        ("/api/rotate_token", "token_id", id.as_str()),
    ] {
        let theirs = app
            .post_form(path, &form(&[(key, real)]), Some(&outsider))
            .await;
        let nothing = app
            .post_form(path, &form(&[(key, &never)]), Some(&outsider))
            .await;
        assert_eq!(theirs.status, 404, "{path}: {}", theirs.body);
        assert_eq!(
            (theirs.status, &theirs.body),
            (nothing.status, &nothing.body),
            "{path}"
        );
        assert!(!theirs.body.contains("Owner's token") && !theirs.body.contains("Customer"));
    }
    let foreign = issue(
        &app,
        &outsider,
        &[
            ("space_id", &space),
            ("name", "Mine"),
            ("scopes[]", "policy:read"),
        ],
    )
    .await;
    assert_eq!(foreign.status, 404);
    let page = app
        .get(&format!("/spaces/{space}/tokens"), Some(&outsider))
        .await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains("Owner's token"));

    let after = seen(&app).await;
    assert_eq!((after.tokens, after.audit), (before.tokens, before.audit));
}

async fn a_revoked_token_fails_on_its_next_request(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = demo.spaces[0].id.to_string();
    let (id, secret) = issue_full(&app, &owner, &space, "Short-lived").await;
    assert!(authenticate(&app.ctx, &secret).await.is_ok());
    let revoked = app
        .post_form(
            "/api/revoke_token",
            &form(&[("token_id", &id)]),
            Some(&owner),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(
        authenticate(&app.ctx, &secret).await,
        Err(AppError::Unauthenticated)
    );
    let before = seen(&app).await;
    let again = app
        .post_form(
            "/api/revoke_token",
            &form(&[("token_id", &id)]),
            Some(&owner),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("already revoked"));
    let rotate = app
        .post_form(
            "/api/rotate_token",
            &form(&[("token_id", &id)]),
            Some(&owner),
        )
        .await;
    assert_eq!(rotate.status, 409);
    let after = seen(&app).await;
    assert_eq!((after.tokens, after.audit), (before.tokens, before.audit));
    let list = list(&app, &owner, &space).await;
    assert_eq!(list["tokens"][0]["status"], "Revoked");
    let entry = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("token.revoked"))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.entity_id, id);
}

async fn a_rotated_token_keeps_working_for_its_grace_period_only(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = demo.spaces[0].id.to_string();
    let (id, old_secret) = issue_full(&app, &owner, &space, "Rotating").await;
    let before = seen(&app).await;
    let rotated = app
        .post_form(
            "/api/rotate_token",
            &form(&[("token_id", &id), ("grace_hours", "24")]),
            Some(&owner),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let successor = json(&rotated);
    let new_secret = successor["token"].as_str().unwrap();
    // Both work during the grace period; the successor has the same reach.
    let old = authenticate(&app.ctx, &old_secret).await.unwrap();
    let new = authenticate(&app.ctx, new_secret).await.unwrap();
    assert_eq!(
        (old.space_id.clone(), old.scopes.clone()),
        (new.space_id.clone(), new.scopes.clone())
    );
    let old_row = runtime_token::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let left = old_row.expires_at - app::domain::now();
    assert!(
        left.whole_minutes() <= 24 * 60 && left.whole_minutes() > 23 * 60,
        "{left}"
    );
    // Two entries: the old token shortened, the successor issued.
    let after = seen(&app).await;
    assert_eq!(
        (after.tokens, after.audit),
        (before.tokens + 1, before.audit + 2)
    );
    let list = list(&app, &owner, &space).await;
    let statuses: Vec<&str> = list["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["Active", "Rotating"], "newest first");
    // Rotating the old one again is refused (rotate the successor instead).
    let again = app
        .post_form(
            "/api/rotate_token",
            &form(&[("token_id", &id)]),
            Some(&owner),
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("already rotated"));
    // A grace of zero ends the old token at once.
    let succ_id = successor["id"].as_str().unwrap();
    let third = app
        .post_form(
            "/api/rotate_token",
            &form(&[("token_id", succ_id), ("grace_hours", "0")]),
            Some(&owner),
        )
        .await;
    assert_eq!(third.status, 200, "{}", third.body);
    assert_eq!(
        authenticate(&app.ctx, new_secret).await,
        Err(AppError::Unauthenticated)
    );
    // A grace beyond 30 days is refused by field.
    let third_id = json(&third)["id"].as_str().unwrap().to_string();
    let long = app
        .post_form(
            "/api/rotate_token",
            &form(&[("token_id", &third_id), ("grace_hours", "721")]),
            Some(&owner),
        )
        .await;
    assert_eq!(long.status, 400);
    assert!(long.body.contains(r#""field":"grace_hours""#));
}

async fn expired_and_malformed_tokens_fail_before_anything_else(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = demo.spaces[0].id.to_string();
    let (id, secret) = issue_full(&app, &owner, &space, "Expiring").await;
    let row = runtime_token::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: runtime_token::ActiveModel = row.into();
    expired.expires_at = Set(app::domain::now() - time::Duration::seconds(1));
    expired.update(&app.ctx.db).await.unwrap();
    assert_eq!(
        authenticate(&app.ctx, &secret).await,
        Err(AppError::Unauthenticated)
    );
    let list = list(&app, &owner, &space).await;
    assert_eq!(list["tokens"][0]["status"], "Expired");

    // A mistyped token is refused by its checksum without touching the database: with
    // the table gone, it still answers "unauthenticated", not an error.
    let (_, live) = issue_full(&app, &owner, &space, "Live").await;
    let mut typo = live.clone();
    let c = if &typo[20..21] == "a" { "b" } else { "a" };
    typo.replace_range(20..21, c);
    use sea_orm::ConnectionTrait;
    app.ctx
        .db
        .execute_unprepared("DROP TABLE runtime_tokens")
        .await
        .unwrap();
    for bad in [
        typo.as_str(),
        "",
        "psn_",
        "Bearer x",
        &live[..42],
        "psn_\u{0}",
    ] {
        assert_eq!(
            authenticate(&app.ctx, bad).await,
            Err(AppError::Unauthenticated),
            "{bad:?}"
        );
    }
    // …while a well-formed one does need the lookup.
    assert!(
        matches!(authenticate(&app.ctx, &live).await, Err(e) if e != AppError::Unauthenticated)
    );
}

async fn last_used_is_recorded_in_batches_not_per_request(app: TestApp) {
    let demo = app.demo().await;
    let owner = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = demo.spaces[0].id.to_string();
    let (id, secret) = issue_full(&app, &owner, &space, "Busy").await;
    for _ in 0..20 {
        authenticate(&app.ctx, &secret).await.unwrap();
    }
    let row = runtime_token::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.last_used_at, None, "no write on the request path");
    assert_eq!(
        app.ctx.last_used.flush(&app.ctx.db).await.unwrap(),
        1,
        "one write for twenty uses"
    );
    let row = runtime_token::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let used = row.last_used_at.expect("recorded at the flush");
    assert!((app::domain::now() - used).whole_seconds() < 60);
    assert_eq!(
        app.ctx.last_used.flush(&app.ctx.db).await.unwrap(),
        0,
        "nothing new"
    );
    let list = list(&app, &owner, &space).await;
    assert!(list["tokens"][0]["last_used_at"].is_string());
}
