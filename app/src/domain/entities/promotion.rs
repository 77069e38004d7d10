use sea_orm::entity::prelude::*;

/// A request to move a persona up one rollout stage, decided in the review queue.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promotions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub space_id: String,
    pub persona_id: String,
    pub from_stage: i16,
    pub to_stage: i16,
    pub requested_by: String,
    pub requested_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// JSON array of `{prompt, statement}`.
    #[sea_orm(column_type = "Text")]
    pub attestations: String,
    /// Bumped by every edit of the request; approvals given before it no longer count.
    pub version: i32,
    /// `pending`, `approved`, `rejected`, `superseded` or `break_glass`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
