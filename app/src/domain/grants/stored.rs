//! Every grant of a space as stored, read a page at a time: the one reader behind the
//! runtime snapshot and the buyer evaluation, which both need all of a space's grants.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::AppError;
use crate::domain::entities::{grant, persona};

/// Grants read per query.
pub const PAGE: u64 = 4_096;

/// A grant's columns that rules read; the rest (timestamps, version, reason) stay behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrant {
    pub persona_id: String,
    pub capability_id: String,
    /// Empty when the grant covers the whole capability.
    pub action: String,
    pub access: String,
    /// As stored: a JSON list of environment names.
    pub environments: String,
    pub min_stage: i16,
}

/// id, persona, capability, action, access, environments, minimum stage.
type Row = (String, String, String, String, String, String, i16);

/// Hands `each` every grant of the space's personas (only `only`'s when given), a page
/// at a time in id order. Read whole, a space of 1,000 personas × 100 grants held every
/// row twice over (the driver's rows, then the models), and the allocator kept that
/// memory: the server stayed about 200 MiB larger after its first policy request
/// (docs/benchmarks.md, session 18). Paging on the id, ordered and compared by the
/// same database, reads no row twice and skips none.
pub async fn each_in_space(
    db: &impl ConnectionTrait,
    space_id: &str,
    only: Option<&str>,
    mut each: impl FnMut(StoredGrant),
) -> Result<(), AppError> {
    let mut after: Option<String> = None;
    loop {
        let mut personas = Query::select()
            .column(persona::Column::Id)
            .from(persona::Entity)
            .and_where(persona::Column::SpaceId.eq(space_id))
            .to_owned();
        if let Some(id) = only {
            personas.and_where(persona::Column::Id.eq(id));
        }
        let mut page = grant::Entity::find()
            .select_only()
            .columns([
                grant::Column::Id,
                grant::Column::PersonaId,
                grant::Column::CapabilityId,
                grant::Column::ActionName,
                grant::Column::Access,
                grant::Column::Environments,
                grant::Column::MinStage,
            ])
            .filter(grant::Column::PersonaId.in_subquery(personas))
            .order_by_asc(grant::Column::Id)
            .limit(PAGE);
        if let Some(after) = &after {
            page = page.filter(grant::Column::Id.gt(after.as_str()));
        }
        let rows: Vec<Row> = page.into_tuple().all(db).await?;
        let last_page = (rows.len() as u64) < PAGE;
        after = rows.last().map(|row| row.0.clone());
        for (_, persona_id, capability_id, action, access, environments, min_stage) in rows {
            each(StoredGrant {
                persona_id,
                capability_id,
                action,
                access,
                environments,
                min_stage,
            });
        }
        if last_page {
            return Ok(());
        }
    }
}
