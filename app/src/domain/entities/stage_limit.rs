use sea_orm::entity::prelude::*;

/// A space's limits for one rollout stage, where it changed the defaults
/// (`rollout::limits::default_for`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stage_limits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub space_id: String,
    pub stage: i16,
    /// JSON array of environment names; `None`: every environment of the space.
    #[sea_orm(column_type = "Text", nullable)]
    pub environments: Option<String>,
    /// Most external capabilities a persona may have active; `None`: no limit.
    pub max_external: Option<i32>,
    /// Most distinct end users the runtime may serve; `None`: no cap.
    pub audience_cap: Option<i32>,
    pub approvals_required: i16,
    /// JSON array of statements a requester attests to reach this stage.
    #[sea_orm(column_type = "Text")]
    pub attestations: String,
    pub updated_by: String,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
