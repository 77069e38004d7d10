use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: String,
    pub space_id: String,
    pub persona_id: String,
    pub app_id: Option<String>,
    pub capability: String,
    pub action: Option<String>,
    pub access: String,
    pub environment: String,
    pub decision: String,
    pub reason: String,
    pub approval_id: Option<String>,
    pub token_id: String,
    pub decided_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
