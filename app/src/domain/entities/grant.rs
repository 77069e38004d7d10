use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub persona_id: String,
    pub capability_id: String,
    /// Empty for a grant on the whole capability.
    pub action_name: String,
    pub access: String,
    /// JSON array of environment names.
    #[sea_orm(column_type = "Text")]
    pub environments: String,
    pub min_stage: i16,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub version: i32,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
