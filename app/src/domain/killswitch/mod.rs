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

pub use drill::drill;
pub use engage::{SwitchTarget, engage};
pub use list::switches;
pub use release::{release_now, request_release};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::space;
use crate::domain::spaces::space_for;
use crate::domain::{Actor, Ctx};
use crate::types::SpaceId;

pub const MAX_REASON: usize = 2000;

/// Checks `reason` (required, bounded) and returns it trimmed.
pub fn reason<'a>(raw: &'a str, why: &str) -> Result<&'a str, AppError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", why.to_string()));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            format!("must be at most {MAX_REASON} characters"),
        ));
    }
    Ok(reason)
}

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
            let access = tenant_access(ctx, user).await?;
            if access.restricted() {
                return Err(AppError::Forbidden);
            }
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
