use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "spaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub created_at: TimeDateTimeWithTimeZone,
    /// The last stream event id handed out in this space.
    pub event_seq: i64,
    /// Bumped with every change to what a persona of this space may do.
    pub policy_version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
