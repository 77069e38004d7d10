use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "personas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub space_id: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub role_description: String,
    pub stage: i16,
    pub status: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub owner_user_id: Option<String>,
    pub on_call_user_id: Option<String>,
    /// Comma-separated continuity keys (see `types::Continuity`).
    pub continuity: String,
    pub version: i32,
    /// `name`, lower-cased by `personas::fold` for case-insensitive search.
    pub name_folded: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
