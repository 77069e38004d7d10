//! Buyer evaluations: one per space (optionally focused on one persona), the statements
//! people attest for the items the system cannot check, a snapshot of the report each
//! time one is completed, and share links for readers without an account (only a hash
//! of each link's secret is kept).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Evaluations {
    Table,
    Id,
    TenantId,
    SpaceId,
    /// Null: the whole space.
    PersonaId,
    Title,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    /// The question the evaluator last stood on (1–6), so a return resumes there.
    Step,
    /// `in_progress` or `completed`.
    State,
    CompletedAt,
}

#[derive(DeriveIden)]
enum EvaluationAttestations {
    Table,
    Id,
    EvaluationId,
    ItemKey,
    Statement,
    AttestedBy,
    AttestedAt,
}

#[derive(DeriveIden)]
enum EvaluationSnapshots {
    Table,
    Id,
    EvaluationId,
    TakenAt,
    TakenBy,
    Level,
    /// The report as JSON, exactly as it read when the evaluation was completed.
    Report,
}

#[derive(DeriveIden)]
enum EvaluationShares {
    Table,
    Id,
    TenantId,
    EvaluationId,
    SecretHash,
    Prefix,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    RevokedBy,
}

fn id<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn at<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Evaluations::Table)
                    .col(id(Evaluations::Id).primary_key())
                    .col(id(Evaluations::TenantId))
                    .col(id(Evaluations::SpaceId))
                    .col(ColumnDef::new(Evaluations::PersonaId).string_len(36).null())
                    .col(
                        ColumnDef::new(Evaluations::Title)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(id(Evaluations::CreatedBy))
                    .col(at(Evaluations::CreatedAt))
                    .col(at(Evaluations::UpdatedAt))
                    .col(ColumnDef::new(Evaluations::Step).small_integer().not_null())
                    .col(ColumnDef::new(Evaluations::State).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Evaluations::CompletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evaluations_space")
                    .table(Evaluations::Table)
                    .col(Evaluations::SpaceId)
                    .col(Evaluations::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationAttestations::Table)
                    .col(id(EvaluationAttestations::Id).primary_key())
                    .col(id(EvaluationAttestations::EvaluationId))
                    .col(
                        ColumnDef::new(EvaluationAttestations::ItemKey)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EvaluationAttestations::Statement)
                            .text()
                            .not_null(),
                    )
                    .col(id(EvaluationAttestations::AttestedBy))
                    .col(at(EvaluationAttestations::AttestedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_evaluation_attestations_item")
                    .table(EvaluationAttestations::Table)
                    .col(EvaluationAttestations::EvaluationId)
                    .col(EvaluationAttestations::ItemKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationSnapshots::Table)
                    .col(id(EvaluationSnapshots::Id).primary_key())
                    .col(id(EvaluationSnapshots::EvaluationId))
                    .col(at(EvaluationSnapshots::TakenAt))
                    .col(id(EvaluationSnapshots::TakenBy))
                    .col(
                        ColumnDef::new(EvaluationSnapshots::Level)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EvaluationSnapshots::Report)
                            .text()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evaluation_snapshots_eval")
                    .table(EvaluationSnapshots::Table)
                    .col(EvaluationSnapshots::EvaluationId)
                    .col(EvaluationSnapshots::TakenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationShares::Table)
                    .col(id(EvaluationShares::Id).primary_key())
                    .col(id(EvaluationShares::TenantId))
                    .col(id(EvaluationShares::EvaluationId))
                    .col(
                        ColumnDef::new(EvaluationShares::SecretHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EvaluationShares::Prefix)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(id(EvaluationShares::CreatedBy))
                    .col(at(EvaluationShares::CreatedAt))
                    .col(at(EvaluationShares::ExpiresAt))
                    .col(
                        ColumnDef::new(EvaluationShares::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(EvaluationShares::RevokedBy)
                            .string_len(36)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_evaluation_shares_hash")
                    .table(EvaluationShares::Table)
                    .col(EvaluationShares::SecretHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EvaluationShares::Table.into_iden(),
            EvaluationSnapshots::Table.into_iden(),
            EvaluationAttestations::Table.into_iden(),
            Evaluations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
