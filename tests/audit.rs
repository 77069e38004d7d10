//! The audit log: one chained entry per change, written in the change's transaction, and
//! every kind of tampering found by the verifier. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use app::domain::audit::verify::{verify_audit, verify_tenant};
use app::domain::entities::{audit_entry, user};

on_both_databases!(
    every_change_writes_one_chained_entry,
    an_edited_entry_is_found,
    a_deleted_entry_is_found,
    reordered_entries_are_found,
    a_cut_tail_is_found,
    an_entry_appended_outside_the_console_is_found,
    a_replaced_last_entry_is_found,
    a_failed_audit_write_fails_the_change,
);

async fn entries(app: &TestApp, tenant: &str) -> Vec<audit_entry::Model> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant))
        .order_by_asc(audit_entry::Column::Seq)
        .all(&app.ctx.db)
        .await
        .unwrap()
}

async fn admin_tenant(app: &TestApp) -> String {
    app::domain::users::create_admin(
        &app.ctx,
        "ann@acme.example",
        "a-long-enough-secret".into(),
        "Acme",
    )
    .await
    .unwrap()
    .tenant_id
    .to_string()
}

async fn every_change_writes_one_chained_entry(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let log = entries(&app, &tenant).await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["tenant.create", "user.create", "membership.create"]
    );
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(log[1].prev_hash, log[0].hash);
    assert!(log.iter().all(|e| e.actor_role == "system"));
    assert!(log[1].diff.contains("ann@acme.example"));

    let demo = app.demo().await;
    let demo_log = entries(&app, demo.tenant_id.as_str()).await;
    // The tenant, its five people and their memberships come from the system; the
    // world inside is built by the owner through the console's own services.
    let system: Vec<&str> = demo_log
        .iter()
        .take_while(|e| e.actor_role == "system")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(system.len(), 11, "{system:?}");
    let owner_actions: Vec<&str> = demo_log[11..].iter().map(|e| e.action.as_str()).collect();
    for wanted in [
        "space.created",
        "app.created",
        "capability.enabled",
        "capability.registered",
        "persona.created",
        "grant.created",
    ] {
        assert!(
            owner_actions.contains(&wanted),
            "{wanted} missing: {owner_actions:?}"
        );
    }
    let seqs: Vec<i64> = demo_log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=demo_log.len() as i64).collect::<Vec<_>>());
    let before = demo_log.len();
    app.demo().await;
    let demo_log = entries(&app, demo.tenant_id.as_str()).await;
    assert_eq!(
        demo_log.len(),
        before + 5,
        "a second run only resets the five demo passwords"
    );
    let reset = demo_log.last().unwrap();
    assert_eq!(reset.action, "user.reset_password");
    assert!(
        !reset.diff.contains("argon2"),
        "no password hash in the log: {}",
        reset.diff
    );

    let total = audit_entry::Entity::find()
        .count(&app.ctx.db)
        .await
        .unwrap();
    let report = verify_audit(&app.ctx.db).await.unwrap();
    assert_eq!(report.entries, total);
    assert_eq!(report.first_broken, None);
}

async fn an_edited_entry_is_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let second = entries(&app, &tenant).await.remove(1);
    let mut active: audit_entry::ActiveModel = second.clone().into();
    active.diff = Set(second.diff.replace("ann@acme.example", "eve@acme.example"));
    active.update(&app.ctx.db).await.unwrap();
    let (_, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    let broken = broken.expect("an edit is found");
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.entry_id.as_deref(), Some(second.id.as_str()));
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
}

async fn a_deleted_entry_is_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let second = entries(&app, &tenant).await.remove(1);
    audit_entry::Entity::delete_by_id(second.id)
        .exec(&app.ctx.db)
        .await
        .unwrap();
    let (checked, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    assert_eq!(checked, 1);
    let broken = broken.expect("a deletion is found");
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
}

async fn reordered_entries_are_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let log = entries(&app, &tenant).await;
    // Swap the first two entries' places (through a free number: seq is unique).
    for (entry, seq) in [(&log[0], -1), (&log[1], 1), (&log[0], 2)] {
        let mut active: audit_entry::ActiveModel = entry.clone().into();
        active.seq = Set(seq);
        active.update(&app.ctx.db).await.unwrap();
    }
    let (_, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    assert_eq!(broken.expect("a reorder is found").seq, 1);
}

async fn a_failed_audit_write_fails_the_change(app: TestApp) {
    app.ctx
        .db
        .execute_unprepared("DROP TABLE audit_entries")
        .await
        .unwrap();
    let result = app::domain::users::create_admin(
        &app.ctx,
        "bob@acme.example",
        "a-long-enough-secret".into(),
        "Acme",
    )
    .await;
    assert!(result.is_err());
    let users = user::Entity::find().count(&app.ctx.db).await.unwrap();
    assert_eq!(users, 0, "the change was rolled back with its audit entry");
}

async fn a_cut_tail_is_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let log = entries(&app, &tenant).await;
    assert!(log.len() >= 3, "create-admin writes several entries");
    // Cut the newest two: what is left is still a well-formed chain on its own.
    for e in &log[log.len() - 2..] {
        audit_entry::Entity::delete_by_id(e.id.clone())
            .exec(&app.ctx.db)
            .await
            .unwrap();
    }
    let (checked, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    assert_eq!(checked, log.len() as u64 - 2, "every remaining entry links");
    let broken = broken.expect("a cut tail is found");
    assert_eq!(broken.seq, log.len() as i64 - 1);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
    // verify-audit over all tenants says the same.
    let report = verify_audit(&app.ctx.db).await.unwrap();
    assert_eq!(report.first_broken, Some(broken));
}

async fn an_entry_appended_outside_the_console_is_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let log = entries(&app, &tenant).await;
    let last = log.last().unwrap();
    // A forger who knows the hash function adds a well-linked entry, but cannot move the
    // head without also writing the tenant row.
    let mut forged = last.clone();
    forged.id = uuid::Uuid::now_v7().to_string();
    forged.seq = last.seq + 1;
    forged.prev_hash = last.hash.clone();
    forged.action = "user.delete".into();
    forged.hash = app::domain::audit::chain::entry_hash(&forged);
    audit_entry::ActiveModel::from(forged)
        .insert(&app.ctx.db)
        .await
        .unwrap();
    let (_, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    let broken = broken.expect("the extra entry is found");
    assert_eq!(broken.seq, last.seq + 1);
    assert!(broken.reason.contains("not appended"), "{}", broken.reason);
}

async fn a_replaced_last_entry_is_found(app: TestApp) {
    let tenant = admin_tenant(&app).await;
    let last = entries(&app, &tenant).await.pop().unwrap();
    // Rewritten with a correct hash of its new contents: only the head can tell.
    let mut rewritten = last.clone();
    rewritten.diff = "{}".into();
    let mut active: audit_entry::ActiveModel = last.clone().into();
    active.diff = Set(rewritten.diff.clone());
    active.hash = Set(app::domain::audit::chain::entry_hash(&rewritten));
    active.update(&app.ctx.db).await.unwrap();
    let (_, broken) = verify_tenant(&app.ctx.db, &tenant).await.unwrap();
    let broken = broken.expect("the replaced entry is found");
    assert_eq!(broken.seq, last.seq);
    assert!(broken.reason.contains("replaced"), "{}", broken.reason);
}
