//! Runtime streams against a running server (driven by scripts/bench-runtime.sh):
//!
//! - latency: PERSONA_BENCH_STREAMS (1,000) open streams; an operator changes a grant
//!   through the console's own endpoint PERSONA_BENCH_CHANGES (20) times; each stream's
//!   receipt of the resulting `policy_changed` is timed from the moment the change was
//!   sent (so the figure includes the commit itself). Prints p50/p99 over every receipt.
//! - memory: with PERSONA_BENCH_IDLE (10,000) idle streams open, prints the server's RSS
//!   (from /proc/PERSONA_BENCH_SERVER_PID/status).
//!
//! Input: PERSONA_BENCH_URL, PERSONA_BENCH_SEED (the seed's JSON file).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn open(client: &reqwest::Client, base: &str, token: &str) -> reqwest::Response {
    let response = client
        .get(format!("{base}/api/runtime/v1/stream"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
}

/// Reports each `event:` frame's arrival time.
async fn listen(mut response: reqwest::Response, arrived: mpsc::UnboundedSender<Instant>) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            if frame.lines().any(|l| l.starts_with("event:"))
                && arrived.send(Instant::now()).is_err()
            {
                return;
            }
        }
    }
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() {
    let base = std::env::var("PERSONA_BENCH_URL").expect("PERSONA_BENCH_URL");
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(std::env::var("PERSONA_BENCH_SEED").expect("PERSONA_BENCH_SEED"))
            .unwrap(),
    )
    .unwrap();
    let token = seed["token"].as_str().unwrap().to_string();
    let streams = env_num("PERSONA_BENCH_STREAMS", 1_000);
    let changes = env_num("PERSONA_BENCH_CHANGES", 20);
    let idle = env_num("PERSONA_BENCH_IDLE", 10_000);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        // The sign-in answers 303 with the cookie: read that answer, not the next page.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Sign in as the demo owner, as the console's own pages do.
    let login = client
        .post(format!("{base}/auth/login"))
        .header("origin", base.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            seed["login"]["email"].as_str().unwrap().replace('@', "%40"),
            seed["login"]["password"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("signed in")
        .to_string();

    let (tx, mut rx) = mpsc::unbounded_channel();
    for _ in 0..streams {
        let response = open(&client, &base, &token).await;
        tokio::spawn(listen(response, tx.clone()));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let capability = seed["capabilities"][0].as_str().unwrap();
    let mut latencies = Vec::with_capacity(streams * changes);
    for i in 0..changes {
        let persona = seed["personas"][i].as_str().unwrap();
        let sent = Instant::now();
        let reply = client
            .post(format!("{base}/api/set_grant"))
            .header("origin", base.as_str())
            .header("cookie", cookie.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "persona_id={persona}&target={capability}&access=read&environments%5B%5D=sandbox&min_stage=1&reason=bench"
            ))
            .send()
            .await
            .unwrap();
        assert!(
            reply.status().is_success(),
            "{}",
            reply.text().await.unwrap_or_default()
        );
        for _ in 0..streams {
            let at = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("every stream hears the change")
                .unwrap();
            latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "stream_change_to_receipt_ms streams={streams} changes={changes} p50={:.2} p99={:.2} max={:.2} n={}",
        pct(0.5),
        pct(0.99),
        latencies[latencies.len() - 1],
        latencies.len()
    );

    if let Ok(pid) = std::env::var("PERSONA_BENCH_SERVER_PID") {
        let before = rss_kib(&pid).unwrap_or(0);
        let mut held = Vec::with_capacity(idle);
        for _ in streams..idle {
            held.push(open(&client, &base, &token).await);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib(&pid).unwrap_or(0);
        println!(
            "server_rss_mib idle_streams={idle} rss={:.1} (with {streams} streams: {:.1})",
            after as f64 / 1024.0,
            before as f64 / 1024.0
        );
        drop(held);
    }
}
