//! Runtime tokens: issued for one space (optionally one app and/or one persona), with
//! scopes and an expiry. Only a SHA-256 hash of the token is stored, plus a short prefix
//! for people to tell tokens apart.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_accounts::{Tenants, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Spaces {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RuntimeTokens {
    Table,
    Id,
    TenantId,
    SpaceId,
    AppId,
    PersonaId,
    Name,
    Prefix,
    SecretHash,
    Scopes,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    RevokedBy,
    LastUsedAt,
    RotatedFrom,
}

fn uuid_col(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RuntimeTokens::Table)
                    .col(uuid_col(RuntimeTokens::Id).not_null().primary_key())
                    .col(uuid_col(RuntimeTokens::TenantId).not_null())
                    .col(uuid_col(RuntimeTokens::SpaceId).not_null())
                    // Narrowing: no foreign key, so a deleted app or persona leaves a token
                    // that reaches nothing rather than one that silently widens.
                    .col(uuid_col(RuntimeTokens::AppId).null())
                    .col(uuid_col(RuntimeTokens::PersonaId).null())
                    .col(
                        ColumnDef::new(RuntimeTokens::Name)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RuntimeTokens::Prefix)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RuntimeTokens::SecretHash)
                            .string_len(64)
                            .not_null(),
                    )
                    // Space-separated scope names, e.g. "policy:read decisions:write".
                    .col(
                        ColumnDef::new(RuntimeTokens::Scopes)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(uuid_col(RuntimeTokens::CreatedBy).null())
                    .col(at(RuntimeTokens::CreatedAt).not_null())
                    .col(at(RuntimeTokens::ExpiresAt).not_null())
                    .col(at(RuntimeTokens::RevokedAt).null())
                    .col(uuid_col(RuntimeTokens::RevokedBy).null())
                    .col(at(RuntimeTokens::LastUsedAt).null())
                    .col(uuid_col(RuntimeTokens::RotatedFrom).null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(RuntimeTokens::Table, RuntimeTokens::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RuntimeTokens::Table, RuntimeTokens::SpaceId)
                            .to(Spaces::Table, Spaces::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RuntimeTokens::Table, RuntimeTokens::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The lookup on every runtime request.
        manager
            .create_index(
                Index::create()
                    .name("uq_runtime_tokens_secret_hash")
                    .table(RuntimeTokens::Table)
                    .col(RuntimeTokens::SecretHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_runtime_tokens_space")
                    .table(RuntimeTokens::Table)
                    .col(RuntimeTokens::SpaceId)
                    .col(RuntimeTokens::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RuntimeTokens::Table).to_owned())
            .await
    }
}
