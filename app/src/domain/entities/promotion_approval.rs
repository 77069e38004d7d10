use sea_orm::entity::prelude::*;

/// One reviewer's approval of a promotion request. It counts only while `basis` matches
/// the persona's grants, the stage's limits and the request as they are now.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promotion_approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub promotion_id: String,
    pub user_id: String,
    pub approved_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub basis: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
