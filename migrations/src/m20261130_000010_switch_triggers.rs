//! Trigger URLs: a secret URL per kill-switch that a monitoring system can POST to, to
//! engage it without a person in the loop. Only a hash of the secret is kept (and a
//! short prefix people can recognise); rotating replaces the row.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SwitchTriggers {
    Table,
    SwitchId,
    TenantId,
    SecretHash,
    Prefix,
    CreatedBy,
    CreatedAt,
    LastFiredAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let id = |col: SwitchTriggers| ColumnDef::new(col).string_len(36).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(SwitchTriggers::Table)
                    .col(id(SwitchTriggers::SwitchId).not_null().primary_key())
                    .col(id(SwitchTriggers::TenantId).not_null())
                    .col(
                        ColumnDef::new(SwitchTriggers::SecretHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SwitchTriggers::Prefix)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(id(SwitchTriggers::CreatedBy).not_null())
                    .col(
                        ColumnDef::new(SwitchTriggers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SwitchTriggers::LastFiredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_switch_triggers_hash")
                    .table(SwitchTriggers::Table)
                    .col(SwitchTriggers::SecretHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SwitchTriggers::Table).to_owned())
            .await
    }
}
