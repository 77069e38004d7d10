use sea_orm::entity::prelude::*;

/// A named person's statement for one item the system cannot check. One per item and
/// evaluation: attesting again replaces it (the audit log keeps the earlier one).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluation_attestations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub evaluation_id: String,
    pub item_key: String,
    #[sea_orm(column_type = "Text")]
    pub statement: String,
    pub attested_by: String,
    pub attested_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
