use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "runtime_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: String,
    pub space_id: String,
    pub persona_id: String,
    /// `action`, `message`, `error` or `note`.
    pub kind: String,
    pub capability: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub received_at: TimeDateTimeWithTimeZone,
    pub idempotency_key: String,
    pub token_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
