//! verify-audit throughput: builds one tenant's chain of N entries (default 1,000,000;
//! PERSONA_BENCH_AUDIT_ENTRIES to change) in a fresh SQLite database, then times
//! `verify_tenant` over it. Entries are generated with the real hash function and
//! inserted in batches (going through `record` would measure inserts, not verification).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::domain::audit::chain::{GENESIS, entry_hash};
use app::domain::audit::verify::verify_tenant;
use app::domain::db::{DatabaseUrl, connect, migrate};
use app::domain::entities::{audit_entry, tenant};
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let n: i64 = std::env::var("PERSONA_BENCH_AUDIT_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}/bench.db", dir.path().display())).unwrap();
    let db = connect(&url).await.unwrap();
    migrate(&db).await.unwrap();
    let tenant_id = uuid::Uuid::now_v7().to_string();
    tenant::ActiveModel {
        id: Set(tenant_id.clone()),
        name: Set("Bench".into()),
        created_at: Set(time::OffsetDateTime::now_utc()),
        audit_head_seq: Set(0),
        audit_head_hash: Set(GENESIS.into()),
    }
    .insert(&db)
    .await
    .unwrap();

    let started = Instant::now();
    let mut prev = GENESIS.to_string();
    let mut seq = 1_i64;
    while seq <= n {
        let txn = db.begin().await.unwrap();
        let mut batch = Vec::with_capacity(1000);
        for _ in 0..1000.min(n - seq + 1) {
            let mut e = audit_entry::Model {
                id: uuid::Uuid::now_v7().to_string(),
                tenant_id: tenant_id.clone(),
                seq,
                occurred_at_micros: 1_764_000_000_000_000 + seq,
                actor_user_id: Some("0192f0c4-1c2b-7d3e-8f00-0123456789ab".into()),
                actor_role: "operator".into(),
                action: "persona.update".into(),
                entity_type: "persona".into(),
                entity_id: "0192f0c4-1c2b-7d3e-8f00-0123456789ac".into(),
                diff: format!(r#"{{"before":{{"stage":1}},"after":{{"stage":2,"n":{seq}}}}}"#),
                ip: Some("10.1.2.3".into()),
                user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Chrome/156".into()),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = entry_hash(&e);
            prev = e.hash.clone();
            seq += 1;
            batch.push(audit_entry::ActiveModel::from(e));
        }
        audit_entry::Entity::insert_many(batch)
            .exec(&txn)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    }
    // Bulk inserts bypass `record`, so the chain head is moved here once.
    tenant::Entity::update(tenant::ActiveModel {
        id: Set(tenant_id.clone()),
        audit_head_seq: Set(n),
        audit_head_hash: Set(prev.clone()),
        ..Default::default()
    })
    .exec(&db)
    .await
    .unwrap();
    eprintln!(
        "seeded {n} entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (checked, broken) = verify_tenant(&db, &tenant_id).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(checked, n as u64);
    assert!(broken.is_none());
    println!(
        "verify_audit_entries={checked} seconds={secs:.2} entries_per_s={:.0}",
        checked as f64 / secs
    );
}
