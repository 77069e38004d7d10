//! The command line, run as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn cli(db: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_persona-console"));
    cmd.env("DATABASE_URL", db).env("RUST_LOG", "error");
    cmd
}

#[test]
fn an_unparsable_database_url_stops_with_a_reason() {
    let out = cli("mysql://root:secret@localhost/db")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DATABASE_URL is not usable"), "{err}");
    assert!(!err.contains("secret"), "passwords never echoed: {err}");
    let out = cli("sqlite://x.db")
        .args(["serve", "--addr", "nowhere"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn demo_json_describes_a_fresh_demo_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/demo.db", dir.path().display());
    let first: serde_json::Value =
        serde_json::from_slice(&cli(&db).args(["demo", "--json"]).output().unwrap().stdout)
            .unwrap();
    assert_eq!(first["login"]["email"], "demo@persona-console.local");
    assert!(first["login"]["password"].as_str().unwrap().len() >= 16);
    assert_eq!(first["spaces"].as_array().unwrap().len(), 2);
    let personas = first["personas"].as_array().unwrap();
    assert_eq!(personas.len(), 3);
    let space_ids: Vec<&str> = first["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        personas
            .iter()
            .all(|p| space_ids.contains(&p["space_id"].as_str().unwrap()))
    );
    let second: serde_json::Value =
        serde_json::from_slice(&cli(&db).args(["demo", "--json"]).output().unwrap().stdout)
            .unwrap();
    assert_eq!(
        first["tenant_id"], second["tenant_id"],
        "the same tenant, not a second one"
    );
    assert_ne!(
        first["login"]["password"], second["login"]["password"],
        "a fresh password each time"
    );
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_enforces_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/admin.db", dir.path().display());
    let run = |email: &str, password: &str| {
        let mut child = cli(&db)
            .args(["create-admin", "--email", email, "--tenant", "Acme"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("ann@acme.example", "short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));
    let ok = run("ann@acme.example", "a-long-enough-secret");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dup = run("ANN@acme.example", "a-long-enough-secret");
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
}

#[test]
fn verify_audit_reports_an_intact_log_and_the_first_broken_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.db");
    let db = format!("sqlite://{}", path.display());
    assert!(
        cli(&db)
            .args(["demo", "--json"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let ok = cli(&db).arg("verify-audit").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("Audit log intact:") && out.contains("entries in 2 tenants"),
        "{out}"
    );

    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sea_orm::ConnectionTrait;
        let conn = sea_orm::Database::connect(db.as_str()).await.unwrap();
        conn.execute_unprepared("UPDATE audit_entries SET diff = '{}' WHERE seq = 4")
            .await
            .unwrap();
    });
    let bad = cli(&db).arg("verify-audit").output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("BROKEN") && err.contains("at entry 4"),
        "{err}"
    );
}

#[test]
fn tokens_are_issued_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/tokens.db", dir.path().display());
    let demo: serde_json::Value =
        serde_json::from_slice(&cli(&db).args(["demo", "--json"]).output().unwrap().stdout)
            .unwrap();
    let demo_token = demo["runtime_token"]
        .as_str()
        .expect("demo --json prints a token");
    assert!(
        demo_token.starts_with("psn_") && demo_token.len() == 43,
        "{demo_token}"
    );
    // And the trigger URL of the first persona's switch in that space.
    let trigger = demo["kill_switch_trigger_url"].as_str().unwrap_or_default();
    assert!(
        trigger.starts_with("http://127.0.0.1:3000/hooks/kill-switch/kst_"),
        "{trigger}"
    );
    let space = demo["spaces"][0]["id"].as_str().unwrap();
    let owner = demo["login"]["email"].as_str().unwrap();
    let viewer = demo["viewer"]["email"].as_str().unwrap();

    let issued = cli(&db)
        .args([
            "token",
            "issue",
            "--as",
            owner,
            "--space",
            space,
            "--name",
            "CI runner",
        ])
        .args(["--scope", "policy:read", "--days", "30", "--json"])
        .output()
        .unwrap();
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let issued: serde_json::Value = serde_json::from_slice(&issued.stdout).unwrap();
    let secret = issued["token"].as_str().unwrap().to_string();
    let id = issued["id"].as_str().unwrap().to_string();

    let list = cli(&db)
        .args(["token", "list", "--as", owner, "--space", space, "--json"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(
        listed.contains("CI runner") && listed.contains(&secret[..10]),
        "{listed}"
    );
    assert!(
        !listed.contains(&secret[10..]),
        "a list never shows a secret"
    );
    let rows: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["scopes"], serde_json::json!(["policy:read"]));

    // A viewer may not issue; the refusal says why and nothing is written.
    let refused = cli(&db)
        .args([
            "token", "issue", "--as", viewer, "--space", space, "--name", "Sneaky",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("permission"));
    // Bad input is named.
    let bad = cli(&db)
        .args([
            "token", "issue", "--as", owner, "--space", space, "--name", "X", "--days", "400",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 to 365 days"));

    let revoked = cli(&db)
        .args(["token", "revoke", "--as", owner, &id])
        .output()
        .unwrap();
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    let again = cli(&db)
        .args(["token", "revoke", "--as", owner, &id])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));

    // What the runtime API will see: the demo token passes, the revoked one does not.
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let conn = app::domain::db::connect(&app::domain::db::DatabaseUrl::parse(&db).unwrap())
            .await
            .unwrap();
        let ctx = app::domain::Ctx::new(conn).unwrap();
        let ok = app::domain::tokens::authenticate::authenticate(&ctx, demo_token)
            .await
            .unwrap();
        assert_eq!(ok.space_id.as_str(), space);
        assert_eq!(ok.scopes.len(), 5);
        assert_eq!(
            app::domain::tokens::authenticate::authenticate(&ctx, &secret).await,
            Err(app::AppError::Unauthenticated)
        );
    });
}
