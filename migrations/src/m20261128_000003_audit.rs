//! The audit log: append-only, hash-chained per tenant.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_accounts::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    TenantId,
    Seq,
    OccurredAtMicros,
    ActorUserId,
    ActorRole,
    Action,
    EntityType,
    EntityId,
    Diff,
    Ip,
    UserAgent,
    PrevHash,
    Hash,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .col(
                        ColumnDef::new(AuditEntries::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::TenantId)
                            .string_len(36)
                            .not_null(),
                    )
                    // 1, 2, 3… per tenant: a gap or a swap is visible without any hash.
                    .col(ColumnDef::new(AuditEntries::Seq).big_integer().not_null())
                    // Unix microseconds: exact on both backends, so the hash re-computes.
                    .col(
                        ColumnDef::new(AuditEntries::OccurredAtMicros)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::ActorUserId)
                            .string_len(36)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::ActorRole)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::Action)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::EntityType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::EntityId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEntries::Diff).text().not_null())
                    .col(ColumnDef::new(AuditEntries::Ip).string_len(45).null())
                    .col(
                        ColumnDef::new(AuditEntries::UserAgent)
                            .string_len(512)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AuditEntries::PrevHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEntries::Hash).string_len(64).not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEntries::Table, AuditEntries::TenantId)
                            .to(Tenants::Table, Tenants::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_audit_tenant_seq")
                    .table(AuditEntries::Table)
                    .col(AuditEntries::TenantId)
                    .col(AuditEntries::Seq)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEntries::Table).to_owned())
            .await
    }
}
