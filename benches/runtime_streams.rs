//! Runtime streams against a running server (driven by scripts/bench-runtime.sh):
//!
//! - latency: PERSONA_BENCH_STREAMS (1,000) open streams; an operator changes a grant
//!   through the console's own endpoint PERSONA_BENCH_CHANGES (20) times; each stream's
//!   receipt of the resulting `policy_changed` is timed from the moment the change was
//!   sent (so the figure includes the commit itself). Prints p50/p99 over every receipt.
//! - memory (with PERSONA_BENCH_SERVER_PID): the server's RSS from /proc with no stream
//!   open, then with PERSONA_BENCH_IDLE (10,000) idle streams over each transport in turn:
//!   `http1`, one connection per stream (a runtime per process), and `http2`, 100 streams
//!   per connection (prior knowledge: a runtime host, or a proxy, holding many). Two
//!   controls say what a connection costs before it carries a stream: `tcp`, connected
//!   and silent, and `health`, one `GET /healthz` kept alive. Each figure is read
//!   PERSONA_BENCH_SETTLE (3) seconds after the last open; past jemalloc's 10 s decay
//!   what the opening left behind is returned and only what the streams hold remains.
//!   PERSONA_BENCH_MODES picks some (`http1,http2,tcp,health` by default).
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
    let mut listeners = Vec::with_capacity(streams);
    for _ in 0..streams {
        let response = open(&client, &base, &token).await;
        listeners.push(tokio::spawn(listen(response, tx.clone())));
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

    // The latency streams close before memory is read: each mode counts only its own.
    for listener in listeners {
        listener.abort();
    }
    if let Ok(pid) = std::env::var("PERSONA_BENCH_SERVER_PID") {
        let settle = Duration::from_secs(env_num("PERSONA_BENCH_SETTLE", 3) as u64);
        tokio::time::sleep(settle.max(Duration::from_secs(11))).await;
        let idle_rss = rss_kib(&pid).unwrap();
        println!(
            "server_rss_mib no_streams rss={:.1}",
            idle_rss as f64 / 1024.0
        );
        let modes = std::env::var("PERSONA_BENCH_MODES")
            .unwrap_or_else(|_| "http1,http2,tcp,health".into());
        for mode in modes.split(',') {
            let before = rss_kib(&pid).unwrap();
            let held = hold(mode, idle, &base, &token).await;
            tokio::time::sleep(settle).await;
            let after = rss_kib(&pid).unwrap();
            let per = after.saturating_sub(before) as f64 / idle as f64;
            let name = if matches!(mode, "http1" | "http2") {
                "idle_streams"
            } else {
                "idle_connections"
            };
            println!(
                "server_rss_mib mode={mode} {name}={idle} rss={:.1} per_stream_kib={per:.1} (before: {:.1})",
                after as f64 / 1024.0,
                before as f64 / 1024.0
            );
            drop(held);
            // What closing frees goes back before the next mode's "before".
            tokio::time::sleep(Duration::from_secs(11)).await;
        }
    }
}

/// What keeps `n` idle streams or connections open; dropping it closes them.
#[derive(Default)]
struct Held {
    _streams: Vec<reqwest::Response>,
    _sockets: Vec<tokio::net::TcpStream>,
}

async fn hold(mode: &str, n: usize, base: &str, token: &str) -> Held {
    let addr = base.trim_start_matches("http://").to_string();
    match mode {
        "http1" => {
            // No pooling: a stream in flight holds its connection, so each opens its own.
            let client = reqwest::Client::builder()
                .http1_only()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            let mut held = Vec::with_capacity(n);
            for _ in 0..n {
                held.push(open(&client, base, token).await);
            }
            Held {
                _streams: held,
                ..Held::default()
            }
        }
        "http2" => {
            // A client per 100 streams: reqwest keeps one HTTP/2 connection per host.
            let mut held = Vec::with_capacity(n);
            let mut client = None;
            for i in 0..n {
                if i % 100 == 0 {
                    client = Some(
                        reqwest::Client::builder()
                            .http2_prior_knowledge()
                            .build()
                            .unwrap(),
                    );
                }
                let response = open(client.as_ref().unwrap(), base, token).await;
                assert_eq!(response.version(), reqwest::Version::HTTP_2);
                held.push(response);
            }
            Held {
                _streams: held,
                ..Held::default()
            }
        }
        "tcp" | "health" => {
            let mut held = Vec::with_capacity(n);
            for _ in 0..n {
                let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
                if mode == "health" {
                    keep_alive_healthz(&mut socket).await;
                }
                held.push(socket);
            }
            Held {
                _sockets: held,
                ..Held::default()
            }
        }
        other => panic!("unknown PERSONA_BENCH_MODES entry {other:?}"),
    }
}

/// One `GET /healthz` on a raw socket, read to the end of its answer; the connection
/// then stays open and idle.
async fn keep_alive_healthz(socket: &mut tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 512];
    while !answer.ends_with(b"\"ok\"}") {
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed before answering");
        answer.extend_from_slice(&chunk[..read]);
    }
}
