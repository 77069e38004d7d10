//! Kill-switches at tenant, space, app, persona and capability level. Engaging one is
//! immediate: it commits with the stream event that tells every connected runtime, and
//! the policy snapshots it touches are dropped before anyone can read them again.
//! Releasing is a request that a second person decides in the review queue (an owner may
//! break the glass with a written reason); a drill engages and releases in one step.

pub mod drill;
pub mod engage;
pub mod list;
pub mod names;
pub mod release;
pub mod trigger;

pub use drill::drill;
pub use engage::{SwitchTarget, engage};
pub use list::switches;
pub use release::{release_now, request_release};

use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::space;
use crate::domain::runtime::changes;
use crate::domain::spaces::space_for;
use crate::domain::{Actor, Ctx};
use crate::types::SpaceId;

pub use crate::domain::validate::{MAX_REASON, required_reason as reason};

/// Authorizes `action` on a switch's place (a space, or the whole tenant for a tenant
/// switch, which a member confined to teams never reaches) and returns the spaces whose
/// runtimes it affects.
pub async fn reach(
    ctx: &Ctx,
    actor: &Actor,
    space_id: Option<&str>,
    action: Action,
) -> Result<Vec<String>, AppError> {
    let Actor::Console(user) = actor;
    match space_id {
        Some(space) => {
            space_for(ctx, actor, &SpaceId::from_db(space.to_string()), action).await?;
            Ok(vec![space.to_string()])
        }
        None => {
            // Tenant-wide actions refuse members confined to their teams' spaces.
            let access = tenant_access(ctx, user).await?;
            authorize(actor, action, Scope::Tenant(&access))?;
            Ok(space::Entity::find()
                .filter(space::Column::TenantId.eq(user.tenant_id.as_str()))
                .all(&ctx.db)
                .await?
                .into_iter()
                .map(|s| s.id)
                .collect())
        }
    }
}

/// Tells the runtimes of every affected space that the switch changed: one `kill_switch`
/// stream event each, written in the change's own transaction.
pub(crate) async fn announce(
    txn: &DatabaseTransaction,
    spaces: &[String],
    switch: (&str, &str),
    engaged: bool,
    reason: &str,
) -> Result<(), AppError> {
    let (scope, scope_id) = switch;
    for space in spaces {
        changes::kill_switch(txn, space, scope, scope_id, engaged, reason).await?;
    }
    Ok(())
}
