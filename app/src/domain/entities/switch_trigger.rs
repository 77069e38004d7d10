use sea_orm::entity::prelude::*;

/// A kill-switch's trigger URL: only the secret's hash and a short prefix are kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "switch_triggers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub switch_id: String,
    pub tenant_id: String,
    pub secret_hash: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub last_fired_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
