use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub space_id: String,
    pub persona_id: String,
    pub app_id: Option<String>,
    pub capability: String,
    pub action: Option<String>,
    pub access: String,
    pub environment: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub request_key: String,
    /// `pending`, `approved` or `rejected`; a pending one past `expires_at` reads `expired`.
    pub state: String,
    pub token_id: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub decided_by: Option<String>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
