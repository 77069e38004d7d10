use sea_orm::entity::prelude::*;

/// A request to release an engaged kill-switch, decided in the review queue by someone
/// other than the person who engaged it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "switch_releases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    /// `None` for a tenant-wide switch.
    pub space_id: Option<String>,
    pub switch_id: String,
    pub requested_by: String,
    pub requested_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
