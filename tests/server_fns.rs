//! Server functions as the browser calls them: form-encoded bodies, including the shapes
//! a hydrated page sends (an all-default filter encodes to nothing; checkbox lists arrive
//! as `name[]=…` with the brackets percent-encoded). On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::{HOST, ORIGIN, TestApp, form};

on_both_databases!(
    lists_accept_an_empty_filter,
    checkbox_lists_arrive_as_lists,
    the_audit_export_streams_csv_and_json_lines,
    without_javascript_a_refused_form_shows_its_error_on_the_page_it_came_from,
);

async fn lists_accept_an_empty_filter(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    for path in ["/api/list_personas", "/api/list_audit", "/api/list_spaces"] {
        let reply = app.post_form(path, "", Some(&cookie)).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
    let personas = app.post_form("/api/list_personas", "", Some(&cookie)).await;
    assert!(personas.body.contains("Ava") && personas.body.contains("Otto"));
}

async fn checkbox_lists_arrive_as_lists(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let milo = demo.personas.iter().find(|p| p.name == "Milo").unwrap();
    let space = app
        .post_form(
            "/api/get_space",
            &form(&[("space_id", milo.space_id.as_str())]),
            Some(&cookie),
        )
        .await;
    assert_eq!(space.status, 200, "{}", space.body);
    // The Agenda capability's id, from the space's JSON.
    let view: serde_json::Value = serde_json::from_str(&space.body).unwrap();
    let agenda = view["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "agenda")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // As a browser encodes `environments[]` (brackets percent-encoded), twice.
    let body = format!(
        "persona_id={}&target={agenda}&access=read&environments%5B%5D=sandbox&environments%5B%5D=staging&min_stage=1",
        milo.id
    );
    let reply = app.post_form("/api/set_grant", &body, Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let persona = app
        .post_form(
            "/api/get_persona",
            &form(&[("persona_id", milo.id.as_str())]),
            Some(&cookie),
        )
        .await;
    let view: serde_json::Value = serde_json::from_str(&persona.body).unwrap();
    let grant = view["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["capability_key"] == "agenda")
        .unwrap();
    assert_eq!(
        grant["environments"],
        serde_json::json!(["sandbox", "staging"])
    );
}

async fn the_audit_export_streams_csv_and_json_lines(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let csv = app
        .get("/audit/export?format=csv&entity_type=grant", Some(&cookie))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .unwrap()
            .contains("attachment")
    );
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("seq,occurred_at,actor,actor_role,action,entity_type,entity_id,diff,ip,user_agent")
    );
    let rows: Vec<&str> = lines.collect();
    // Nine grants in the demo; a diff's JSON is one quoted field.
    assert_eq!(rows.len(), 9, "{}", csv.body);
    assert!(rows.iter().all(|r| r.contains(",grant.created,grant,")));

    let json = app.get("/audit/export?format=json", Some(&cookie)).await;
    assert_eq!(json.status, 200);
    let entries: Vec<serde_json::Value> = json
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(entries.len() > 30);
    // Newest first, every sequence number once.
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] == w[1] + 1), "{seqs:?}");

    // The viewer may read it too; another tenant's member sees only their own log.
    let other = app
        .sign_in(
            &demo.other_tenant.login.email,
            &demo.other_tenant.login.password,
        )
        .await;
    let theirs = app.get("/audit/export?format=json", Some(&other)).await;
    assert!(!theirs.body.contains("Northwind") && !theirs.body.contains("Ava"));
    // Without a session there is nothing to download.
    let anonymous = app.get("/audit/export?format=csv", None).await;
    assert_ne!(anonymous.status, 200);
    let bad = app.get("/audit/export?format=xml", Some(&cookie)).await;
    assert_eq!(bad.status, 400);
}

async fn without_javascript_a_refused_form_shows_its_error_on_the_page_it_came_from(app: TestApp) {
    let demo = app.demo().await;
    let cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let spaces_before = space_count(&app).await;
    // A plain HTML form post: the browser accepts HTML and names the page it came from.
    let request = Request::post("/api/create_space")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::REFERER, format!("{ORIGIN}/spaces"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &cookie)
        .body(Body::from(form(&[("name", "   "), ("description", "")])))
        .unwrap();
    let reply = app.send(request).await;
    assert!(
        (300..400).contains(&reply.status),
        "{} {}",
        reply.status,
        reply.body
    );
    let back = reply.location().to_string();
    assert!(back.contains("/spaces?"), "back to the form's page: {back}");
    let path = back.trim_start_matches(ORIGIN);
    let page = app.get(path, Some(&cookie)).await;
    assert_eq!(page.status, 200);
    let error_line = page
        .body
        .split(r#"id="space-name-error""#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        error_line.contains('⚠'),
        "the name's error shows beside the field: {error_line}"
    );
    assert_eq!(
        space_count(&app).await,
        spaces_before,
        "nothing was created"
    );
}

async fn space_count(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    app::domain::entities::space::Entity::find()
        .count(&app.ctx.db)
        .await
        .unwrap()
}
