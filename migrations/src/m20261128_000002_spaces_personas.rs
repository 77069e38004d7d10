//! Spaces (the authority boundary) and the personas that live in them.
//! The full model (apps, capabilities, grants, environments) extends these in later files.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_accounts::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Spaces {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Personas {
    Table,
    Id,
    SpaceId,
    Name,
    RoleDescription,
    Stage,
    Status,
    CreatedAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Spaces::Table)
                    .col(
                        ColumnDef::new(Spaces::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Spaces::TenantId).string_len(36).not_null())
                    .col(ColumnDef::new(Spaces::Name).string_len(120).not_null())
                    .col(
                        ColumnDef::new(Spaces::Description)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Spaces::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Spaces::Table, Spaces::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_spaces_tenant_name")
                    .table(Spaces::Table)
                    .col(Spaces::TenantId)
                    .col(Spaces::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Personas::Table)
                    .col(
                        ColumnDef::new(Personas::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Personas::SpaceId).string_len(36).not_null())
                    .col(ColumnDef::new(Personas::Name).string_len(120).not_null())
                    .col(
                        ColumnDef::new(Personas::RoleDescription)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(Personas::Stage)
                            .small_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(
                        ColumnDef::new(Personas::Status)
                            .string_len(20)
                            .not_null()
                            .default("active"),
                    )
                    .col(
                        ColumnDef::new(Personas::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Personas::Table, Personas::SpaceId)
                            .to(Spaces::Table, Spaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_personas_space_name")
                    .table(Personas::Table)
                    .col(Personas::SpaceId)
                    .col(Personas::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Personas::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Spaces::Table).to_owned())
            .await
    }
}
