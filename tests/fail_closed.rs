//! The fail-closed contract, as a runtime must implement it: a small reference runtime
//! client (plain HTTP + JSON, no shared Rust types) that serves its last policy for at
//! most `max_staleness_seconds` after the last successful answer, then denies every
//! action until it reaches the console again. Tested by cutting the server off.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use app::domain::auth::login::cli_actor;
use app::domain::tokens::issue::{NewToken, issue_token};
use app::types::RuntimeScope;

on_both_databases!(a_runtime_cut_off_from_the_console_fails_closed_after_max_staleness);

/// What a runtime keeps: the last policy per persona and when it last heard the console.
struct ReferenceRuntime {
    base: String,
    token: String,
    http: reqwest::Client,
    cached: HashMap<String, (Value, Instant)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// From a policy fetched just now.
    Fresh(bool),
    /// From the last policy, still within its staleness window.
    Cached(bool),
    /// The console is out of reach and the last policy is too old (or there is none).
    FailedClosed,
}

impl ReferenceRuntime {
    /// May `persona` use `capability` with `access` in `env`, as of `now`? `now` is the
    /// runtime's clock, passed in so the test can move it.
    async fn may(
        &mut self,
        persona: &str,
        capability: &str,
        access: &str,
        env: &str,
        now: Instant,
    ) -> Answer {
        let fetched = self
            .http
            .get(format!(
                "{}/api/runtime/v1/personas/{persona}/policy",
                self.base
            ))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if let Ok(response) = fetched
            && response.status() == 200
            && let Ok(body) = response.text().await
            && let Ok(policy) = serde_json::from_str::<Value>(&body)
        {
            let verdict = allows(&policy, capability, access, env);
            self.cached.insert(persona.to_string(), (policy, now));
            return Answer::Fresh(verdict);
        }
        match self.cached.get(persona) {
            Some((policy, heard)) => {
                let window = policy["max_staleness_seconds"].as_u64().unwrap_or(0);
                if now.duration_since(*heard) <= Duration::from_secs(window) {
                    Answer::Cached(allows(policy, capability, access, env))
                } else {
                    Answer::FailedClosed
                }
            }
            None => Answer::FailedClosed,
        }
    }
}

/// The policy's own rule: not halted, a listed grant for the capability whose access
/// reaches the one asked and whose environments include `env`.
fn allows(policy: &Value, capability: &str, access: &str, env: &str) -> bool {
    let rank = |a: &str| {
        ["denied", "read", "approval", "write"]
            .iter()
            .position(|x| *x == a)
    };
    if policy["halted"].as_bool().unwrap_or(true) {
        return false;
    }
    policy["grants"].as_array().into_iter().flatten().any(|g| {
        g["capability"] == capability
            && g["environments"].as_array().into_iter().flatten().any(|e| e == env)
            && matches!((rank(g["access"].as_str().unwrap_or("")), rank(access)), (Some(have), Some(want)) if have >= want && have != 2)
    })
}

async fn a_runtime_cut_off_from_the_console_fails_closed_after_max_staleness(app: TestApp) {
    let demo = app.demo().await;
    let owner = cli_actor(&app.ctx, &demo.login.email, demo.tenant_id.as_str())
        .await
        .unwrap();
    let space = demo
        .spaces
        .iter()
        .find(|s| s.name.contains("Support"))
        .unwrap();
    let milo = demo
        .personas
        .iter()
        .find(|p| p.name == "Milo")
        .unwrap()
        .id
        .to_string();
    let scopes = vec![RuntimeScope::PolicyRead.as_str().to_string()];
    let token = issue_token(
        &app.ctx,
        &owner,
        &space.id,
        NewToken {
            name: "reference runtime",
            scopes: &scopes,
            expires_in_days: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .token;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        persona_console::listen::serve_router(listener, router, std::future::pending())
            .await
            .unwrap();
    });
    let mut runtime = ReferenceRuntime {
        base: format!("http://{addr}"),
        token,
        // A fresh connection per request: cutting the server off is seen at once.
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        cached: HashMap::new(),
    };
    let start = Instant::now();
    assert_eq!(
        runtime.may(&milo, "chat", "write", "sandbox", start).await,
        Answer::Fresh(true)
    );
    assert_eq!(
        runtime
            .may(&milo, "chat", "write", "production", start)
            .await,
        Answer::Fresh(false)
    );
    let window = runtime.cached[&milo].0["max_staleness_seconds"]
        .as_u64()
        .unwrap();
    assert_eq!(window, 60, "the policy advertises the default window");

    // The console goes away.
    server.abort();
    let _ = server.await;
    let within = start + Duration::from_secs(window - 1);
    assert_eq!(
        runtime.may(&milo, "chat", "write", "sandbox", within).await,
        Answer::Cached(true)
    );
    assert_eq!(
        runtime
            .may(&milo, "chat", "write", "production", within)
            .await,
        Answer::Cached(false)
    );
    let past = start + Duration::from_secs(window + 1);
    assert_eq!(
        runtime.may(&milo, "chat", "write", "sandbox", past).await,
        Answer::FailedClosed
    );
    // A persona it never heard about is denied from the start.
    assert_eq!(
        runtime
            .may("unknown", "chat", "write", "sandbox", start)
            .await,
        Answer::FailedClosed
    );

    // The console is back: fresh answers again.
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        persona_console::listen::serve_router(listener, router, std::future::pending())
            .await
            .unwrap();
    });
    assert_eq!(
        runtime.may(&milo, "chat", "write", "sandbox", past).await,
        Answer::Fresh(true)
    );
}
