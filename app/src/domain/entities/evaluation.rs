use sea_orm::entity::prelude::*;

/// A buyer's evaluation of one space, or of one persona in it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub space_id: String,
    /// `None`: the whole space.
    pub persona_id: Option<String>,
    pub title: String,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The question the evaluator last stood on (1–6).
    pub step: i16,
    /// `in_progress` or `completed`.
    pub state: String,
    pub completed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
