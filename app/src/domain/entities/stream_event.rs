use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stream_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub space_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// `kill_switch`, `policy_changed` or `approval_decided`.
    pub kind: String,
    /// The event's JSON data, as sent on the stream.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
