//! The head of each tenant's audit chain, kept on the tenant row.
//!
//! A hash chain shows an entry edited, removed or moved in the middle, but not the last
//! entries cut off: what is left is still a valid chain. The head (sequence number and
//! hash of the newest entry), updated in the same transaction as every append, makes a
//! cut tail visible to `verify-audit`.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_accounts::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditHead {
    AuditHeadSeq,
    AuditHeadHash,
}

/// The hash an empty chain starts from (64 zeros), as the application's `GENESIS`.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(AuditHead::AuditHeadSeq)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(AuditHead::AuditHeadHash)
                .string_len(64)
                .not_null()
                .default(GENESIS)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Chains written before this migration: their newest entry becomes the head.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE tenants SET \
                 audit_head_seq = COALESCE((SELECT MAX(a.seq) FROM audit_entries a \
                     WHERE a.tenant_id = tenants.id), 0), \
                 audit_head_hash = COALESCE((SELECT a.hash FROM audit_entries a \
                     WHERE a.tenant_id = tenants.id ORDER BY a.seq DESC LIMIT 1), audit_head_hash)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AuditHead::AuditHeadHash, AuditHead::AuditHeadSeq] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tenants::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
