//! The stage machine: each space's limits per rollout stage (a row only where the space
//! changed the defaults), promotion requests decided in the review queue, and the
//! approvals given to them (each remembering what it was given against, so a later edit
//! voids it); and an index for the rollout board's decisions per day.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StageLimits {
    Table,
    Id,
    SpaceId,
    Stage,
    /// JSON array of environment names; null: every environment of the space.
    Environments,
    /// Null: no limit.
    MaxExternal,
    /// Null: no cap.
    AudienceCap,
    ApprovalsRequired,
    /// JSON array of statements a requester must attest to reach this stage.
    Attestations,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Promotions {
    Table,
    Id,
    TenantId,
    SpaceId,
    PersonaId,
    FromStage,
    ToStage,
    RequestedBy,
    RequestedAt,
    Reason,
    /// JSON array of `{prompt, statement}`.
    Attestations,
    /// Bumped by every edit of the request (which voids its approvals).
    Version,
    /// `pending`, `approved`, `rejected`, `superseded` or `break_glass`.
    State,
    DecidedBy,
    DecidedAt,
    Comment,
}

/// The rollout board counts decisions per day.
#[derive(DeriveIden)]
enum Decisions {
    Table,
    SpaceId,
    DecidedAt,
}

#[derive(DeriveIden)]
enum PromotionApprovals {
    Table,
    Id,
    PromotionId,
    UserId,
    ApprovedAt,
    Comment,
    /// What the approval was given against: the grants, the limits and the request.
    Basis,
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
        manager
            .create_table(
                Table::create()
                    .table(StageLimits::Table)
                    .col(id(StageLimits::Id).not_null().primary_key())
                    .col(id(StageLimits::SpaceId).not_null())
                    .col(
                        ColumnDef::new(StageLimits::Stage)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StageLimits::Environments).text().null())
                    .col(ColumnDef::new(StageLimits::MaxExternal).integer().null())
                    .col(ColumnDef::new(StageLimits::AudienceCap).integer().null())
                    .col(
                        ColumnDef::new(StageLimits::ApprovalsRequired)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(StageLimits::Attestations).text().not_null())
                    .col(id(StageLimits::UpdatedBy).not_null())
                    .col(at(StageLimits::UpdatedAt).not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("stage_limits_space_stage")
                    .table(StageLimits::Table)
                    .col(StageLimits::SpaceId)
                    .col(StageLimits::Stage)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Promotions::Table)
                    .col(id(Promotions::Id).not_null().primary_key())
                    .col(id(Promotions::TenantId).not_null())
                    .col(id(Promotions::SpaceId).not_null())
                    .col(id(Promotions::PersonaId).not_null())
                    .col(
                        ColumnDef::new(Promotions::FromStage)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Promotions::ToStage)
                            .small_integer()
                            .not_null(),
                    )
                    .col(id(Promotions::RequestedBy).not_null())
                    .col(at(Promotions::RequestedAt).not_null())
                    .col(ColumnDef::new(Promotions::Reason).text().not_null())
                    .col(ColumnDef::new(Promotions::Attestations).text().not_null())
                    .col(ColumnDef::new(Promotions::Version).integer().not_null())
                    .col(ColumnDef::new(Promotions::State).string_len(16).not_null())
                    .col(id(Promotions::DecidedBy).null())
                    .col(at(Promotions::DecidedAt).null())
                    .col(ColumnDef::new(Promotions::Comment).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("promotions_space_state")
                    .table(Promotions::Table)
                    .col(Promotions::SpaceId)
                    .col(Promotions::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("promotions_persona")
                    .table(Promotions::Table)
                    .col(Promotions::PersonaId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PromotionApprovals::Table)
                    .col(id(PromotionApprovals::Id).not_null().primary_key())
                    .col(id(PromotionApprovals::PromotionId).not_null())
                    .col(id(PromotionApprovals::UserId).not_null())
                    .col(at(PromotionApprovals::ApprovedAt).not_null())
                    .col(ColumnDef::new(PromotionApprovals::Comment).text().null())
                    .col(ColumnDef::new(PromotionApprovals::Basis).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("promotion_approvals_once")
                    .table(PromotionApprovals::Table)
                    .col(PromotionApprovals::PromotionId)
                    .col(PromotionApprovals::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_decisions_space_time")
                    .table(Decisions::Table)
                    .col(Decisions::SpaceId)
                    .col(Decisions::DecidedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_decisions_space_time")
                    .table(Decisions::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            PromotionApprovals::Table.into_iden(),
            Promotions::Table.into_iden(),
            StageLimits::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
