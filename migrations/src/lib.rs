//! The schema, forward-only: one file a change, each runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_accounts;
mod m20261128_000002_spaces_personas;
mod m20261128_000003_audit;
mod m20261128_000004_model;
mod m20261129_000005_audit_head;
mod m20261129_000006_runtime_tokens;
mod m20261129_000007_runtime_activity;
mod m20261129_000008_switch_releases;
mod m20261130_000009_rollout;
mod m20261130_000010_switch_triggers;
mod m20261201_000011_evaluations;

pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_accounts::Migration),
            Box::new(m20261128_000002_spaces_personas::Migration),
            Box::new(m20261128_000003_audit::Migration),
            Box::new(m20261128_000004_model::Migration),
            Box::new(m20261129_000005_audit_head::Migration),
            Box::new(m20261129_000006_runtime_tokens::Migration),
            Box::new(m20261129_000007_runtime_activity::Migration),
            Box::new(m20261129_000008_switch_releases::Migration),
            Box::new(m20261130_000009_rollout::Migration),
            Box::new(m20261130_000010_switch_triggers::Migration),
            Box::new(m20261201_000011_evaluations::Migration),
        ]
    }
}
