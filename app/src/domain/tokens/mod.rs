//! Runtime tokens: how persona runtimes prove which space (and optionally which app and
//! persona) they act for, and which route families they may call.
//!
//! Issuing, rotating and revoking are console actions (operators and above, audited);
//! `authenticate` is what the runtime API calls on every request.

pub mod authenticate;
pub mod cache;
pub mod cli;
pub mod format;
pub mod issue;
pub mod last_used;
pub mod list;
pub mod revoke;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::authz::Action;
use super::entities::runtime_token;
use super::spaces::{SpaceInScope, space_for};
use super::{Actor, Ctx};
use crate::AppError;
use crate::types::{RuntimeScope, SpaceId, TokenId, TokenStatus};

/// New tokens live this long unless the issuer chooses otherwise.
pub const DEFAULT_DAYS: u32 = 90;
/// No token outlives a year: long-lived secrets are how leaks become incidents.
pub const MAX_DAYS: u32 = 365;
/// A rotated token keeps working this long, so integrations can switch without downtime.
pub const DEFAULT_GRACE_HOURS: u32 = 24;
pub const MAX_GRACE_HOURS: u32 = 24 * 30;

/// The stored scope list, in the contract's order.
pub fn scopes_to_db(scopes: &[RuntimeScope]) -> String {
    RuntimeScope::ALL
        .iter()
        .filter(|s| scopes.contains(s))
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn scopes_from_db(stored: &str) -> Vec<RuntimeScope> {
    stored
        .split_whitespace()
        .filter_map(RuntimeScope::parse)
        .collect()
}

/// A token's state at `at`: the one rule for "does it still work", used by the runtime
/// check, the list and the console actions alike. `rotated` says whether a successor
/// exists (its grace period then shows as "rotating").
pub fn status(
    token: &runtime_token::Model,
    at: time::OffsetDateTime,
    rotated: bool,
) -> TokenStatus {
    if token.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if token.expires_at <= at {
        TokenStatus::Expired
    } else if rotated {
        TokenStatus::Rotating
    } else {
        TokenStatus::Active
    }
}

/// Finds a token of a space the actor reaches, authorizing `action` on that space.
pub(crate) async fn token_for(
    ctx: &Ctx,
    actor: &Actor,
    token_id: &TokenId,
    action: Action,
) -> Result<(runtime_token::Model, SpaceInScope), AppError> {
    let Actor::Console(user) = actor;
    let token = runtime_token::Entity::find_by_id(token_id.as_str())
        .filter(runtime_token::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = space_for(
        ctx,
        actor,
        &SpaceId::from_db(token.space_id.clone()),
        action,
    )
    .await?;
    Ok((token, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_in_the_contracts_order() {
        let stored = scopes_to_db(&[RuntimeScope::StreamRead, RuntimeScope::PolicyRead]);
        assert_eq!(stored, "policy:read stream:read");
        assert_eq!(
            scopes_from_db(&stored),
            vec![RuntimeScope::PolicyRead, RuntimeScope::StreamRead]
        );
        assert_eq!(
            scopes_from_db("policy:read bogus"),
            vec![RuntimeScope::PolicyRead]
        );
    }
}
