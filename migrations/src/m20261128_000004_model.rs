//! The rest of the control-plane model: teams, environments, apps, persona ownership and
//! continuity, capabilities (built-in and external) with their actions, and grants.

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
enum Personas {
    Table,
    Id,
    Name,
    NameFolded,
    OwnerUserId,
    OnCallUserId,
    Continuity,
    Version,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
    TenantId,
    Name,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TeamMembers {
    Table,
    TeamId,
    UserId,
}

#[derive(DeriveIden)]
enum TeamSpaces {
    Table,
    TeamId,
    SpaceId,
}

#[derive(DeriveIden)]
enum Environments {
    Table,
    Id,
    SpaceId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Apps {
    Table,
    Id,
    SpaceId,
    Name,
    Kind,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Capabilities {
    Table,
    Id,
    SpaceId,
    Key,
    Name,
    Source,
    SystemKind,
    Endpoint,
    Enabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CapabilityActions {
    Table,
    Id,
    CapabilityId,
    Name,
    Access,
    HighRisk,
    Financial,
    Privileged,
    Irreversible,
}

#[derive(DeriveIden)]
enum Grants {
    Table,
    Id,
    PersonaId,
    CapabilityId,
    ActionName,
    Access,
    Environments,
    MinStage,
    Reason,
    Version,
    CreatedAt,
    UpdatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn ref_id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn created_at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

/// A foreign key whose rows go with their parent.
fn owned_by(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn unique(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Personas: who owns them, who is on call, what continuity they promise, and a
        // version for optimistic concurrency. SQLite alters one column per statement.
        for column in [
            ColumnDef::new(Personas::OwnerUserId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(Personas::OnCallUserId)
                .string_len(36)
                .null()
                .to_owned(),
            ColumnDef::new(Personas::Continuity)
                .string_len(200)
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Personas::Version)
                .integer()
                .not_null()
                .default(1)
                .to_owned(),
            // The name lower-cased by the application (Unicode-aware, unlike SQLite's
            // lower()), so name search folds "É" as PostgreSQL would.
            ColumnDef::new(Personas::NameFolded)
                .string_len(480)
                .not_null()
                .default("")
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Personas::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .get_connection()
            .execute_unprepared("UPDATE personas SET name_folded = lower(name)")
            .await?;

        // The persona list is ordered by name across spaces (keyset pagination).
        manager
            .create_index(
                Index::create()
                    .name("idx_personas_name_id")
                    .table(Personas::Table)
                    .col(Personas::Name)
                    .col(Personas::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Teams::Table)
                    .col(id(Teams::Id))
                    .col(ref_id(Teams::TenantId))
                    .col(ColumnDef::new(Teams::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Teams::Role).string_len(20).not_null())
                    .col(created_at(Teams::CreatedAt))
                    .foreign_key(&mut owned_by(
                        (Teams::Table, Teams::TenantId),
                        (Tenants::Table, Tenants::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_teams_tenant_name",
                Teams::Table,
                vec![Teams::TenantId.into_iden(), Teams::Name.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TeamMembers::Table)
                    .col(ref_id(TeamMembers::TeamId))
                    .col(ref_id(TeamMembers::UserId))
                    .primary_key(
                        Index::create()
                            .col(TeamMembers::TeamId)
                            .col(TeamMembers::UserId),
                    )
                    .foreign_key(&mut owned_by(
                        (TeamMembers::Table, TeamMembers::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .foreign_key(&mut owned_by(
                        (TeamMembers::Table, TeamMembers::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TeamSpaces::Table)
                    .col(ref_id(TeamSpaces::TeamId))
                    .col(ref_id(TeamSpaces::SpaceId))
                    .primary_key(
                        Index::create()
                            .col(TeamSpaces::TeamId)
                            .col(TeamSpaces::SpaceId),
                    )
                    .foreign_key(&mut owned_by(
                        (TeamSpaces::Table, TeamSpaces::TeamId),
                        (Teams::Table, Teams::Id),
                    ))
                    .foreign_key(&mut owned_by(
                        (TeamSpaces::Table, TeamSpaces::SpaceId),
                        (Spaces::Table, Spaces::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Environments::Table)
                    .col(id(Environments::Id))
                    .col(ref_id(Environments::SpaceId))
                    .col(ColumnDef::new(Environments::Name).string_len(40).not_null())
                    .col(created_at(Environments::CreatedAt))
                    .foreign_key(&mut owned_by(
                        (Environments::Table, Environments::SpaceId),
                        (Spaces::Table, Spaces::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_environments_space_name",
                Environments::Table,
                vec![
                    Environments::SpaceId.into_iden(),
                    Environments::Name.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Apps::Table)
                    .col(id(Apps::Id))
                    .col(ref_id(Apps::SpaceId))
                    .col(ColumnDef::new(Apps::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Apps::Kind).string_len(30).not_null())
                    .col(
                        ColumnDef::new(Apps::Description)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .col(created_at(Apps::CreatedAt))
                    .foreign_key(&mut owned_by(
                        (Apps::Table, Apps::SpaceId),
                        (Spaces::Table, Spaces::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_apps_space_name",
                Apps::Table,
                vec![Apps::SpaceId.into_iden(), Apps::Name.into_iden()],
            ))
            .await?;

        // One row per capability a space has ever enabled or registered; `enabled` flips.
        // `key` is the built-in's key or the external system's slug, unique per space.
        manager
            .create_table(
                Table::create()
                    .table(Capabilities::Table)
                    .col(id(Capabilities::Id))
                    .col(ref_id(Capabilities::SpaceId))
                    .col(ColumnDef::new(Capabilities::Key).string_len(60).not_null())
                    .col(
                        ColumnDef::new(Capabilities::Name)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Capabilities::Source)
                            .string_len(10)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Capabilities::SystemKind)
                            .string_len(30)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Capabilities::Endpoint)
                            .string_len(500)
                            .null(),
                    )
                    .col(ColumnDef::new(Capabilities::Enabled).boolean().not_null())
                    .col(created_at(Capabilities::CreatedAt))
                    .foreign_key(&mut owned_by(
                        (Capabilities::Table, Capabilities::SpaceId),
                        (Spaces::Table, Spaces::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_capabilities_space_key",
                Capabilities::Table,
                vec![
                    Capabilities::SpaceId.into_iden(),
                    Capabilities::Key.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CapabilityActions::Table)
                    .col(id(CapabilityActions::Id))
                    .col(ref_id(CapabilityActions::CapabilityId))
                    .col(
                        ColumnDef::new(CapabilityActions::Name)
                            .string_len(60)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CapabilityActions::Access)
                            .string_len(10)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CapabilityActions::HighRisk)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CapabilityActions::Financial)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CapabilityActions::Privileged)
                            .boolean()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CapabilityActions::Irreversible)
                            .boolean()
                            .not_null(),
                    )
                    .foreign_key(&mut owned_by(
                        (CapabilityActions::Table, CapabilityActions::CapabilityId),
                        (Capabilities::Table, Capabilities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_capability_actions_name",
                CapabilityActions::Table,
                vec![
                    CapabilityActions::CapabilityId.into_iden(),
                    CapabilityActions::Name.into_iden(),
                ],
            ))
            .await?;

        // `action_name` is '' for a grant on the whole capability (not NULL: a unique
        // index treats NULLs as distinct on PostgreSQL). `environments` is a JSON array of
        // environment names of the persona's space.
        manager
            .create_table(
                Table::create()
                    .table(Grants::Table)
                    .col(id(Grants::Id))
                    .col(ref_id(Grants::PersonaId))
                    .col(ref_id(Grants::CapabilityId))
                    .col(
                        ColumnDef::new(Grants::ActionName)
                            .string_len(60)
                            .not_null()
                            .default(""),
                    )
                    .col(ColumnDef::new(Grants::Access).string_len(10).not_null())
                    .col(ColumnDef::new(Grants::Environments).text().not_null())
                    .col(ColumnDef::new(Grants::MinStage).small_integer().not_null())
                    .col(ColumnDef::new(Grants::Reason).text().null())
                    .col(
                        ColumnDef::new(Grants::Version)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .col(created_at(Grants::CreatedAt))
                    .col(created_at(Grants::UpdatedAt))
                    .foreign_key(&mut owned_by(
                        (Grants::Table, Grants::PersonaId),
                        (Personas::Table, Personas::Id),
                    ))
                    .foreign_key(&mut owned_by(
                        (Grants::Table, Grants::CapabilityId),
                        (Capabilities::Table, Capabilities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique(
                "uq_grants_persona_capability_action",
                Grants::Table,
                vec![
                    Grants::PersonaId.into_iden(),
                    Grants::CapabilityId.into_iden(),
                    Grants::ActionName.into_iden(),
                ],
            ))
            .await?;
        // Counting and ending a capability's grants (capability pages, disabling).
        manager
            .create_index(
                Index::create()
                    .name("idx_grants_capability")
                    .table(Grants::Table)
                    .col(Grants::CapabilityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Grants::Table.into_iden(),
            CapabilityActions::Table.into_iden(),
            Capabilities::Table.into_iden(),
            Apps::Table.into_iden(),
            Environments::Table.into_iden(),
            TeamSpaces::Table.into_iden(),
            TeamMembers::Table.into_iden(),
            Teams::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_personas_name_id")
                    .table(Personas::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Personas::NameFolded,
            Personas::Version,
            Personas::Continuity,
            Personas::OnCallUserId,
            Personas::OwnerUserId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Personas::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
