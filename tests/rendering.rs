//! Every console page renders to the end under concurrent load.
//!
//! Pages are rendered whole on the server (`SsrMode::Async`): a render that waits on a
//! resource which never wakes would hang the response forever, the way one rare CI run
//! did. Many renders of every page at once, each with a deadline, make such a race show
//! as a named failure instead of a stuck request.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use std::sync::Arc;
use std::time::Duration;

on_both_databases!(
    every_page_renders_completely_under_concurrent_load,
    empty_and_error_pages_render_completely_under_concurrent_load,
);

/// Renders per page path (12 paths × 40 = 480 renders, 8 in flight). PERSONA_RENDER_ROUNDS
/// raises it for a longer soak.
const ROUNDS: usize = 40;
const IN_FLIGHT: usize = 8;

fn rounds() -> usize {
    std::env::var("PERSONA_RENDER_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ROUNDS)
}

async fn every_page_renders_completely_under_concurrent_load(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let space = &demo.spaces[0].id;
    let persona = &demo.personas[0].id;
    let paths: Vec<(String, u16)> = [
        "/".to_string(),
        "/spaces".into(),
        format!("/spaces/{space}"),
        "/personas".into(),
        format!("/personas/{persona}"),
        "/capabilities".into(),
        "/members".into(),
        "/audit".into(),
        format!("/activity?space={space}"),
        format!("/rollout?space={space}"),
        "/review".into(),
        "/kill-switches".into(),
    ]
    .into_iter()
    .map(|p| (p, 200))
    .collect();
    render_all(app, cookie, paths).await;
}

/// The other paths through a page: a tenant with nothing in it yet, ids of another
/// tenant (404), ids that are not ids, and pages that refuse the role.
async fn empty_and_error_pages_render_completely_under_concurrent_load(app: TestApp) {
    let demo = app.demo().await;
    app::domain::users::create_admin(
        &app.ctx,
        "new@empty.example",
        "a-long-enough-secret".into(),
        "Empty Co",
    )
    .await
    .unwrap();
    let cookie = app
        .sign_in("new@empty.example", "a-long-enough-secret")
        .await;
    let space = &demo.spaces[0].id;
    let persona = &demo.personas[0].id;
    let paths: Vec<(String, u16)> = vec![
        ("/".into(), 200),
        ("/spaces".into(), 200),
        ("/personas".into(), 200),
        ("/capabilities".into(), 200),
        ("/members".into(), 200),
        ("/audit".into(), 200),
        ("/activity".into(), 200),
        (format!("/activity?space={space}"), 404),
        ("/rollout".into(), 200),
        (format!("/rollout?space={space}"), 404),
        (format!("/spaces/{space}"), 404),
        (format!("/personas/{persona}"), 404),
        ("/personas/not-an-id".into(), 404),
        ("/spaces/not-an-id".into(), 404),
    ];
    render_all(app, cookie, paths).await;
}

async fn render_all(app: TestApp, cookie: String, paths: Vec<(String, u16)>) {
    let app = Arc::new(app);
    let cookie = Arc::new(cookie);
    let jobs: Vec<(String, u16)> = (0..rounds()).flat_map(|_| paths.clone()).collect();
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for (path, status) in jobs {
        let (app, cookie, gate) = (app.clone(), cookie.clone(), gate.clone());
        tasks.spawn(async move {
            let _slot = gate.acquire_owned().await.unwrap();
            let reply =
                tokio::time::timeout(Duration::from_secs(20), app.get(&path, Some(&cookie)))
                    .await
                    .unwrap_or_else(|_| panic!("GET {path} did not finish within 20 s"));
            assert_eq!(reply.status, status, "GET {path}: {}", reply.body);
            assert!(
                reply.body.contains("</main>")
                    && reply.body.ends_with("__INCOMPLETE_CHUNKS=[];</script>"),
                "GET {path} ended early: …{}",
                &reply.body[reply.body.len().saturating_sub(200)..]
            );
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}
