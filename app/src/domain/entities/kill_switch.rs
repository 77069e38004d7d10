use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kill_switches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    /// `None` for a tenant-wide switch.
    pub space_id: Option<String>,
    /// `tenant`, `space`, `app`, `persona` or `capability`.
    pub scope: String,
    pub scope_id: String,
    pub engaged: bool,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub engaged_by: Option<String>,
    pub engaged_at: Option<TimeDateTimeWithTimeZone>,
    pub released_by: Option<String>,
    pub released_at: Option<TimeDateTimeWithTimeZone>,
    pub last_drill_at: Option<TimeDateTimeWithTimeZone>,
    pub last_drill_by: Option<String>,
    /// Milliseconds from the drill's engage starting to its broadcast to every stream.
    pub last_drill_ms: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
