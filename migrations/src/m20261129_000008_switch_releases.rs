//! Kill-switch governance: releasing an engaged switch is a request that a second person
//! decides in the review queue, and each switch remembers its last drill (engage and
//! release in one step, for practice) with how long the engage took to reach the
//! streams.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KillSwitches {
    Table,
    LastDrillAt,
    LastDrillBy,
    /// Milliseconds from the drill's engage starting to its broadcast to every stream.
    LastDrillMs,
}

#[derive(DeriveIden)]
enum SwitchReleases {
    Table,
    Id,
    TenantId,
    /// Null for a tenant-wide switch.
    SpaceId,
    SwitchId,
    RequestedBy,
    RequestedAt,
    Reason,
    /// `pending`, `approved` or `rejected`.
    State,
    DecidedBy,
    DecidedAt,
    Comment,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER.
        for column in [
            at(KillSwitches::LastDrillAt).null().to_owned(),
            id(KillSwitches::LastDrillBy).null().to_owned(),
            ColumnDef::new(KillSwitches::LastDrillMs)
                .big_integer()
                .null()
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(KillSwitches::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SwitchReleases::Table)
                    .col(id(SwitchReleases::Id).not_null().primary_key())
                    .col(id(SwitchReleases::TenantId).not_null())
                    .col(id(SwitchReleases::SpaceId).null())
                    .col(id(SwitchReleases::SwitchId).not_null())
                    .col(id(SwitchReleases::RequestedBy).not_null())
                    .col(at(SwitchReleases::RequestedAt).not_null())
                    .col(ColumnDef::new(SwitchReleases::Reason).text().not_null())
                    .col(
                        ColumnDef::new(SwitchReleases::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(id(SwitchReleases::DecidedBy).null())
                    .col(at(SwitchReleases::DecidedAt).null())
                    .col(ColumnDef::new(SwitchReleases::Comment).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("switch_releases_tenant_state")
                    .table(SwitchReleases::Table)
                    .col(SwitchReleases::TenantId)
                    .col(SwitchReleases::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("switch_releases_switch")
                    .table(SwitchReleases::Table)
                    .col(SwitchReleases::SwitchId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SwitchReleases::Table).to_owned())
            .await?;
        for column in [
            KillSwitches::LastDrillMs,
            KillSwitches::LastDrillBy,
            KillSwitches::LastDrillAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(KillSwitches::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
