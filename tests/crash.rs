//! An engaged kill-switch survives a crash: the server is killed (SIGKILL) the moment the
//! operator has the success answer, and after a restart on the same database the
//! runtime is still denied. The real binary, a real port, a SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_persona-console"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server wants a built site; this test loads no page, so an empty one will do (the
/// browser bundle may not be built yet when the Rust tests run).
fn site(dir: &std::path::Path) -> std::path::PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg").join("persona-console.js"), "").unwrap();
    site
}

/// The server process; killed (SIGKILL) and reaped when dropped, also when a test fails.
struct Server(Child);

impl Server {
    fn crash(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(db: &str, site: &std::path::Path, port: u16) -> Server {
    let child = Server(
        binary()
            .env("DATABASE_URL", db)
            .env("PERSONA_SITE_DIR", site)
            .env("RUST_LOG", "error")
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let health = format!("http://127.0.0.1:{port}/healthz");
    for _ in 0..200 {
        if reqwest::get(&health).await.is_ok_and(|r| r.status() == 200) {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn decision(base: &str, token: &str, persona: &str) -> String {
    let body = json!({ "persona_id": persona, "capability": "kv_datastore",
                       "access": "write", "environment": "sandbox" });
    let text = reqwest::Client::new()
        .post(format!("{base}/api/runtime/v1/decisions"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reply: Value = serde_json::from_str(&text).unwrap();
    reply["decision"]
        .as_str()
        .unwrap_or_else(|| panic!("not a decision: {text}"))
        .to_string()
}

#[tokio::test]
async fn an_engaged_switch_survives_kill_minus_nine() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/crash.db", dir.path().display());
    let demo: Value = serde_json::from_slice(
        &binary()
            .env("DATABASE_URL", &db)
            .env("RUST_LOG", "error")
            .args(["demo", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let token = demo["runtime_token"].as_str().unwrap();
    let otto = demo["personas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Otto")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let site = site(dir.path());
    let server = start(&db, &site, port).await;
    assert_eq!(decision(&base, token, &otto).await, "allow");

    // Sign in as the operator and stop Otto through the console's own endpoint.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let operator = &demo["operator"];
    let login = http
        .post(format!("{base}/auth/login"))
        .header("origin", &base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email={}&password={}",
            operator["email"].as_str().unwrap().replace('@', "%40"),
            operator["password"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let engaged = http
        .post(format!("{base}/api/stop_kill_switch"))
        .header("origin", &base)
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "target=persona%3A{otto}&reason=crash+test%3A+stop+Otto"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(engaged.status(), 200);
    // Killed the instant the answer arrived: no shutdown, no flush.
    server.crash();

    let restarted = start(&db, &site, port).await;
    assert_eq!(decision(&base, token, &otto).await, "deny");
    restarted.crash();
}
