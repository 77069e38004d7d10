//! Sign-in, sessions and the security layers, through the real router and a real
//! database (each test runs on SQLite and on PostgreSQL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::{HOST, ORIGIN, TestApp, form};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use app::domain::entities::{session, user};

on_both_databases!(
    login_page_renders_a_labelled_form,
    signing_in_sets_a_strict_http_only_cookie_and_opens_the_shell,
    signing_in_again_cycles_the_session_id,
    wrong_password_and_unknown_user_fail_alike,
    signing_out_ends_the_session,
    sessions_end_after_the_absolute_timeout,
    disabled_users_lose_their_sessions,
    failed_sign_ins_are_throttled_per_account,
    cross_site_posts_are_refused_and_change_nothing,
    security_headers_are_on_every_response,
    bodies_over_the_limit_get_413,
    bad_input_gets_a_clear_error,
    pages_need_a_session,
    server_functions_answer_with_the_error_status,
    a_member_sees_only_their_own_tenant,
    unknown_pages_are_404,
    health_and_readiness,
    static_files_and_health_checks_leave_the_session_alone,
);

async fn login_page_renders_a_labelled_form(app: TestApp) {
    let page = app.get("/login", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"<label for="email""#), "{}", page.body);
    assert!(page.body.contains(r#"<label for="password""#));
    assert!(page.body.contains(r#"action="/auth/login""#));
    // Where to go after sign-in is in the server-rendered form, not only after hydration.
    let page = app.get("/login?next=/review", None).await;
    assert!(
        page.body.contains(r#"name="next" value="/review""#),
        "{}",
        page.body
    );
}

async fn signing_in_sets_a_strict_http_only_cookie_and_opens_the_shell(app: TestApp) {
    let demo = app.demo().await;
    let reply = app
        .post_login(&demo.login.email, &demo.login.password, None)
        .await;
    assert_eq!(reply.status, 303);
    let line = reply.set_cookie_line().expect("cookie set");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Strict"), "{line}");
    assert!(
        !line.contains("Secure"),
        "plain-http default must not set Secure: {line}"
    );
    let cookie = reply.session_cookie().unwrap();
    let shell = app.get("/", Some(&cookie)).await;
    assert_eq!(shell.status, 200);
    assert!(
        shell.body.contains("Northwind Demo"),
        "tenant name in the shell"
    );
    assert!(
        shell.body.contains("Customer Support"),
        "overview lists the spaces"
    );
    assert!(shell.body.contains("Sign out"));
}

async fn signing_in_again_cycles_the_session_id(app: TestApp) {
    let demo = app.demo().await;
    let first = app.sign_in(&demo.login.email, &demo.login.password).await;
    let again = app
        .post_login(&demo.login.email, &demo.login.password, Some(&first))
        .await;
    assert_eq!(again.status, 303);
    let second = again.session_cookie().expect("a new cookie");
    assert_ne!(first, second, "the id must change at sign-in");
    assert_eq!(app.get("/", Some(&second)).await.status, 200);
    let old = app.get("/", Some(&first)).await;
    assert_eq!(old.status, 303, "the pre-sign-in id must be dead");
}

async fn wrong_password_and_unknown_user_fail_alike(app: TestApp) {
    let demo = app.demo().await;
    let wrong = app
        .post_login(&demo.login.email, "not-the-password", None)
        .await;
    let unknown = app
        .post_login("nobody@example.com", "whatever-it-is", None)
        .await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, 303);
        assert_eq!(reply.location(), "/login?error=invalid_credentials");
        assert!(reply.session_cookie().is_none(), "no session on failure");
    }
}

async fn signing_out_ends_the_session(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let out = app.post_form("/auth/logout", "", Some(&cookie)).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/login?status=signed_out");
    let after = app.get("/", Some(&cookie)).await;
    assert_eq!(after.status, 303);
    assert!(after.location().starts_with("/login"));
    let rows = session::Entity::find().all(&app.ctx.db).await.unwrap();
    assert!(
        rows.iter().all(|r| r.user_id.is_none()),
        "no signed-in session row remains"
    );
}

async fn sessions_end_after_the_absolute_timeout(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    // Move the sign-in 12 hours and a minute into the past, as if the person stayed active all day.
    for row in session::Entity::find().all(&app.ctx.db).await.unwrap() {
        let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
        let at = data["auth"]["authenticated_at"].as_i64().unwrap();
        data["auth"]["authenticated_at"] = (at - 12 * 3600 - 60).into();
        let mut active: session::ActiveModel = row.into();
        active.data = Set(data.to_string());
        active.update(&app.ctx.db).await.unwrap();
    }
    let reply = app.get("/personas", Some(&cookie)).await;
    assert_eq!(reply.status, 303);
    assert_eq!(
        reply.location(),
        "/login?status=session_ended&next=/personas"
    );
}

async fn disabled_users_lose_their_sessions(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let owner = user::Entity::find()
        .filter(user::Column::Email.eq(demo.login.email.as_str()))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: user::ActiveModel = owner.into();
    active.disabled = Set(true);
    active.update(&app.ctx.db).await.unwrap();
    assert_eq!(app.get("/", Some(&cookie)).await.status, 303);
    let again = app
        .post_login(&demo.login.email, &demo.login.password, None)
        .await;
    assert_eq!(
        again.location(),
        "/login?error=invalid_credentials",
        "disabled looks like a wrong password"
    );
}

async fn failed_sign_ins_are_throttled_per_account(app: TestApp) {
    let demo = app.demo().await;
    for i in 0..10u8 {
        // From different addresses: the per-account limit must hold regardless.
        let r = app
            .post_form_from(
                "/auth/login",
                &form(&[
                    ("email", &demo.login.email),
                    ("password", "guess-guess-guess"),
                ]),
                None,
                Some(ORIGIN),
                [10, 1, 1, i],
            )
            .await;
        assert_eq!(r.location(), "/login?error=invalid_credentials");
    }
    let blocked = app
        .post_form_from(
            "/auth/login",
            &form(&[
                ("email", &demo.login.email),
                ("password", &demo.login.password),
            ]),
            None,
            Some(ORIGIN),
            [10, 2, 2, 2],
        )
        .await;
    assert!(
        blocked
            .location()
            .starts_with("/login?error=rate_limited&retry="),
        "{}",
        blocked.location()
    );
    assert!(
        blocked
            .header("retry-after")
            .is_some_and(|s| s.parse::<u64>().unwrap() > 800)
    );
    assert!(
        blocked.session_cookie().is_none(),
        "even the right password waits"
    );
    // Unknown accounts are throttled exactly the same way: no hint of who exists.
    for _ in 0..10 {
        app.post_login("ghost@example.com", "guess-guess-guess", None)
            .await;
    }
    let ghost = app
        .post_login("ghost@example.com", "guess-guess-guess", None)
        .await;
    assert!(ghost.location().starts_with("/login?error=rate_limited"));
}

async fn cross_site_posts_are_refused_and_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let body = form(&[
        ("email", &demo.login.email),
        ("password", &demo.login.password),
    ]);
    for origin in [
        Some("https://evil.example"),
        Some("http://127.0.0.1:3000.evil.example"),
        None,
    ] {
        let r = app
            .post_form_from("/auth/login", &body, None, origin, [127, 0, 0, 1])
            .await;
        assert_eq!(r.status, 403, "origin {origin:?}");
        assert!(r.body.contains(r#""code":"forbidden""#), "{}", r.body);
        assert!(r.session_cookie().is_none());
    }
    // Sec-Fetch-Site wins over Origin when a browser sends both.
    let req = Request::post("/auth/login")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(app.send(req).await.status, 403);
    // A signed-in victim: a cross-site logout does not end their session.
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let forged = app
        .post_form_from(
            "/auth/logout",
            "",
            Some(&cookie),
            Some("https://evil.example"),
            [127, 0, 0, 1],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.get("/", Some(&cookie)).await.status, 200);
    // Server functions are behind the same check.
    let forged_fn = app
        .post_form_from(
            "/api/get_overview",
            "",
            Some(&cookie),
            Some("https://evil.example"),
            [127, 0, 0, 1],
        )
        .await;
    assert_eq!(forged_fn.status, 403);
}

async fn security_headers_are_on_every_response(app: TestApp) {
    let page = app.get("/login", None).await;
    let csp = page
        .header("content-security-policy")
        .expect("csp")
        .to_string();
    for d in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(d), "{d} in {csp}");
    }
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("page CSP has a nonce");
    assert!(
        page.body.contains(&format!(r#"nonce="{nonce}""#)),
        "the hydration script carries the nonce"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert!(
        page.header("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    let health = app.get("/healthz", None).await;
    assert!(
        health
            .header("content-security-policy")
            .is_some_and(|c| !c.contains("nonce"))
    );
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    let second = app.get("/login", None).await;
    assert_ne!(
        second.header("content-security-policy"),
        Some(csp.as_str()),
        "a fresh nonce per response"
    );
}

async fn bodies_over_the_limit_get_413(app: TestApp) {
    let big = format!("email=a%40b.io&password={}", "x".repeat(70 * 1024));
    let r = app.post_form("/auth/login", &big, None).await;
    assert_eq!(r.status, 413);
    let r = app.post_form("/api/get_overview", &big, None).await;
    assert_eq!(r.status, 413);
    // Without a declared length the limit holds too.
    for path in ["/auth/login", "/api/get_overview"] {
        let r = app.post_streamed(path, big.clone()).await;
        assert_eq!(r.status, 413, "{path}: {}", r.body);
    }
}

async fn bad_input_gets_a_clear_error(app: TestApp) {
    let long_email = format!("{}@example.com", "a".repeat(300));
    let r = app.post_login(&long_email, "x", None).await;
    assert_eq!(r.location(), "/login?error=invalid_email");
    let r = app.post_login("", "x", None).await;
    assert_eq!(r.location(), "/login?error=invalid_email");
    let r = app
        .post_form("/auth/login", &form(&[("email", "a@b.io")]), None)
        .await;
    assert_eq!(r.location(), "/login?error=invalid_password");
    // The next page is kept, but only on this site.
    let r = app
        .post_form(
            "/auth/login",
            &form(&[("email", "a@b.io"), ("password", "x"), ("next", "/audit")]),
            None,
        )
        .await;
    assert_eq!(r.location(), "/login?error=invalid_credentials&next=/audit");
    let r = app
        .post_form(
            "/auth/login",
            &form(&[
                ("email", "a@b.io"),
                ("password", "x"),
                ("next", "//evil.example"),
            ]),
            None,
        )
        .await;
    assert_eq!(r.location(), "/login?error=invalid_credentials");
    // Not a form at all.
    let req = Request::post("/auth/login")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"email":"a@b.io"}"#))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, 415);
    assert!(r.body.contains(r#""code":"request""#), "{}", r.body);
    assert!(
        session::Entity::find()
            .all(&app.ctx.db)
            .await
            .unwrap()
            .is_empty(),
        "nothing was stored"
    );
}

async fn pages_need_a_session(app: TestApp) {
    let r = app.get("/kill-switches", None).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/login?next=/kill-switches");
    let r = app.get("/", Some("persona_session=forged-value")).await;
    assert_eq!(r.status, 303);
}

async fn server_functions_answer_with_the_error_status(app: TestApp) {
    let r = app.post_form("/api/get_overview", "", None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.body.contains(r#""code":"unauthenticated""#), "{}", r.body);
    // GET is not a way in.
    assert_eq!(app.get("/api/get_overview", None).await.status, 405);
}

async fn a_member_sees_only_their_own_tenant(app: TestApp) {
    let demo = app.demo().await;
    let other_password = "another-tenant-secret".to_string();
    app::domain::users::create_admin(
        &app.ctx,
        "owner@other.example",
        other_password.clone(),
        "Other Corp",
    )
    .await
    .unwrap();
    let other = app.sign_in("owner@other.example", &other_password).await;
    let overview = app.post_form("/api/get_overview", "", Some(&other)).await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.body.contains("Other Corp"));
    assert!(
        !overview.body.contains("Customer Support"),
        "the demo tenant's spaces must not leak"
    );
    let page = app.get("/", Some(&other)).await;
    assert!(!page.body.contains("Northwind"));
    let mine = app.sign_in(&demo.login.email, &demo.login.password).await;
    let overview = app.post_form("/api/get_overview", "", Some(&mine)).await;
    assert!(overview.body.contains("Customer Support"));
}

async fn unknown_pages_are_404(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let r = app.get("/no/such/page", Some(&cookie)).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
}

async fn health_and_readiness(app: TestApp) {
    let r = app.get("/healthz", None).await;
    assert_eq!(r.status, 200);
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("ready"));
}

async fn static_files_and_health_checks_leave_the_session_alone(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let before = session::Entity::find().all(&app.ctx.db).await.unwrap();
    // A second passes, so a rewrite (which renews the expiry) would show.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for path in [
        "/pkg/persona-console.js",
        "/favicon.svg",
        "/healthz",
        "/readyz",
        "/no/such/page",
    ] {
        let r = app.get(path, Some(&cookie)).await;
        assert!(
            r.session_cookie().is_none(),
            "{path} touched the session cookie"
        );
    }
    let after = session::Entity::find().all(&app.ctx.db).await.unwrap();
    assert_eq!(before, after, "no session row was loaded-and-rewritten");
    // A page view does renew it: that is the idle timeout at work.
    app.get("/", Some(&cookie)).await;
    let renewed = session::Entity::find().all(&app.ctx.db).await.unwrap();
    assert_ne!(before, renewed);
}
