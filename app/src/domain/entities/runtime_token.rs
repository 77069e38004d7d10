use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "runtime_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub space_id: String,
    pub app_id: Option<String>,
    pub persona_id: Option<String>,
    pub name: String,
    pub prefix: String,
    /// Hex SHA-256 of the whole token; the token itself is never stored.
    pub secret_hash: String,
    /// Space-separated scope names.
    pub scopes: String,
    pub created_by: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub revoked_by: Option<String>,
    pub last_used_at: Option<TimeDateTimeWithTimeZone>,
    pub rotated_from: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
