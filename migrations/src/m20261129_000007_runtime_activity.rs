//! What the runtime API reads and writes besides tokens: kill-switches (the decision rule
//! honours them; the governance workflow around them comes later), approvals opened by
//! decisions, the decision and event feeds, and the per-space stream of changes that
//! runtimes replay after a reconnect.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Spaces {
    Table,
    /// The last stream event id handed out in the space (ids are per space, monotonic).
    EventSeq,
    /// Bumped with every change to what any persona of the space may do.
    PolicyVersion,
}

#[derive(DeriveIden)]
enum KillSwitches {
    Table,
    Id,
    TenantId,
    SpaceId,
    Scope,
    ScopeId,
    Engaged,
    Reason,
    EngagedBy,
    EngagedAt,
    ReleasedBy,
    ReleasedAt,
}

#[derive(DeriveIden)]
enum Approvals {
    Table,
    Id,
    TenantId,
    SpaceId,
    PersonaId,
    AppId,
    Capability,
    Action,
    Access,
    Environment,
    Summary,
    RequestKey,
    State,
    TokenId,
    CreatedAt,
    ExpiresAt,
    DecidedBy,
    DecidedAt,
    Comment,
}

#[derive(DeriveIden)]
enum Decisions {
    Table,
    Id,
    TenantId,
    SpaceId,
    PersonaId,
    AppId,
    Capability,
    Action,
    Access,
    Environment,
    Decision,
    Reason,
    ApprovalId,
    TokenId,
    DecidedAt,
}

#[derive(DeriveIden)]
enum RuntimeEvents {
    Table,
    Id,
    TenantId,
    SpaceId,
    PersonaId,
    Kind,
    Capability,
    Summary,
    OccurredAt,
    ReceivedAt,
    IdempotencyKey,
    TokenId,
}

#[derive(DeriveIden)]
enum StreamEvents {
    Table,
    SpaceId,
    Seq,
    Kind,
    Payload,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).to_owned()
}

fn serial(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: DynIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Spaces::EventSeq, Spaces::PolicyVersion] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Spaces::Table)
                        .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }

        // One row per switch (scope + id); its history is in the audit log.
        manager
            .create_table(
                Table::create()
                    .table(KillSwitches::Table)
                    .col(id(KillSwitches::Id).not_null().primary_key())
                    .col(id(KillSwitches::TenantId).not_null())
                    // Null for a tenant-wide switch.
                    .col(id(KillSwitches::SpaceId).null())
                    .col(text(KillSwitches::Scope, 16).not_null())
                    .col(id(KillSwitches::ScopeId).not_null())
                    .col(ColumnDef::new(KillSwitches::Engaged).boolean().not_null())
                    .col(ColumnDef::new(KillSwitches::Reason).text().not_null())
                    .col(id(KillSwitches::EngagedBy).null())
                    .col(at(KillSwitches::EngagedAt).null())
                    .col(id(KillSwitches::ReleasedBy).null())
                    .col(at(KillSwitches::ReleasedAt).null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_kill_switches_scope",
            KillSwitches::Table.into_iden(),
            vec![
                KillSwitches::Scope.into_iden(),
                KillSwitches::ScopeId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_kill_switches_tenant",
            KillSwitches::Table.into_iden(),
            vec![KillSwitches::TenantId.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Approvals::Table)
                    .col(id(Approvals::Id).not_null().primary_key())
                    .col(id(Approvals::TenantId).not_null())
                    .col(id(Approvals::SpaceId).not_null())
                    .col(id(Approvals::PersonaId).not_null())
                    .col(id(Approvals::AppId).null())
                    .col(text(Approvals::Capability, 64).not_null())
                    .col(text(Approvals::Action, 64).null())
                    .col(text(Approvals::Access, 16).not_null())
                    .col(text(Approvals::Environment, 64).not_null())
                    .col(ColumnDef::new(Approvals::Summary).text().not_null())
                    // SHA-256 of what was asked: a repeated request finds its pending item.
                    .col(text(Approvals::RequestKey, 64).not_null())
                    .col(text(Approvals::State, 16).not_null())
                    .col(id(Approvals::TokenId).null())
                    .col(at(Approvals::CreatedAt).not_null())
                    .col(at(Approvals::ExpiresAt).not_null())
                    .col(id(Approvals::DecidedBy).null())
                    .col(at(Approvals::DecidedAt).null())
                    .col(ColumnDef::new(Approvals::Comment).text().null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_approvals_request",
            Approvals::Table.into_iden(),
            vec![
                Approvals::PersonaId.into_iden(),
                Approvals::RequestKey.into_iden(),
                Approvals::State.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_approvals_space_state",
            Approvals::Table.into_iden(),
            vec![Approvals::SpaceId.into_iden(), Approvals::State.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Decisions::Table)
                    .col(serial(Decisions::Id))
                    .col(id(Decisions::TenantId).not_null())
                    .col(id(Decisions::SpaceId).not_null())
                    .col(id(Decisions::PersonaId).not_null())
                    .col(id(Decisions::AppId).null())
                    .col(text(Decisions::Capability, 64).not_null())
                    .col(text(Decisions::Action, 64).null())
                    .col(text(Decisions::Access, 16).not_null())
                    .col(text(Decisions::Environment, 64).not_null())
                    .col(text(Decisions::Decision, 16).not_null())
                    .col(text(Decisions::Reason, 32).not_null())
                    .col(id(Decisions::ApprovalId).null())
                    .col(id(Decisions::TokenId).not_null())
                    .col(at(Decisions::DecidedAt).not_null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_decisions_space",
            Decisions::Table.into_iden(),
            vec![Decisions::SpaceId.into_iden(), Decisions::Id.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "idx_decisions_persona",
            Decisions::Table.into_iden(),
            vec![Decisions::PersonaId.into_iden(), Decisions::Id.into_iden()],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RuntimeEvents::Table)
                    .col(serial(RuntimeEvents::Id))
                    .col(id(RuntimeEvents::TenantId).not_null())
                    .col(id(RuntimeEvents::SpaceId).not_null())
                    .col(id(RuntimeEvents::PersonaId).not_null())
                    .col(text(RuntimeEvents::Kind, 16).not_null())
                    .col(text(RuntimeEvents::Capability, 64).null())
                    .col(ColumnDef::new(RuntimeEvents::Summary).text().not_null())
                    .col(at(RuntimeEvents::OccurredAt).not_null())
                    .col(at(RuntimeEvents::ReceivedAt).not_null())
                    .col(text(RuntimeEvents::IdempotencyKey, 200).not_null())
                    .col(id(RuntimeEvents::TokenId).not_null())
                    .to_owned(),
            )
            .await?;
        // Re-sent events are counted once, per space.
        index(
            manager,
            "uq_runtime_events_key",
            RuntimeEvents::Table.into_iden(),
            vec![
                RuntimeEvents::SpaceId.into_iden(),
                RuntimeEvents::IdempotencyKey.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_runtime_events_space",
            RuntimeEvents::Table.into_iden(),
            vec![
                RuntimeEvents::SpaceId.into_iden(),
                RuntimeEvents::Id.into_iden(),
            ],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(StreamEvents::Table)
                    .col(id(StreamEvents::SpaceId).not_null())
                    .col(ColumnDef::new(StreamEvents::Seq).big_integer().not_null())
                    .col(text(StreamEvents::Kind, 32).not_null())
                    .col(ColumnDef::new(StreamEvents::Payload).text().not_null())
                    .col(at(StreamEvents::CreatedAt).not_null())
                    .primary_key(
                        Index::create()
                            .col(StreamEvents::SpaceId)
                            .col(StreamEvents::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StreamEvents::Table.into_iden(),
            RuntimeEvents::Table.into_iden(),
            Decisions::Table.into_iden(),
            Approvals::Table.into_iden(),
            KillSwitches::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [Spaces::PolicyVersion, Spaces::EventSeq] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Spaces::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
