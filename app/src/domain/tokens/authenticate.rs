//! What the runtime API does with `Authorization: Bearer …` on every request.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::Arc;

use super::cache::Cached;
use super::format::{check, hash};
use super::{scopes_from_db, status};
use crate::AppError;
use crate::domain::entities::runtime_token;
use crate::domain::{Ctx, now};
use crate::types::{AppId, PersonaId, RuntimeScope, SpaceId, TenantId, TokenId, TokenStatus};

/// A runtime token that passed: what it may reach and do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeToken {
    pub id: TokenId,
    pub tenant_id: TenantId,
    pub space_id: SpaceId,
    pub app_id: Option<AppId>,
    pub persona_id: Option<PersonaId>,
    pub scopes: Vec<RuntimeScope>,
    /// When it stops working (rotation shortens it); open streams end then.
    pub expires_at: time::OffsetDateTime,
}

impl RuntimeToken {
    /// `Forbidden` unless the token carries `scope`.
    pub fn require(&self, scope: RuntimeScope) -> Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the persona lies inside the token's reach: a token narrowed to one
    /// persona reaches only that one.
    pub fn reaches_persona(&self, persona_id: &str) -> bool {
        self.persona_id
            .as_ref()
            .is_none_or(|p| p.as_str() == persona_id)
    }

    /// Whether something done through `app_id` (or through no app) lies inside the
    /// token's reach: a token narrowed to an app reaches only what went through it.
    pub fn reaches_app(&self, app_id: Option<&str>) -> bool {
        self.app_id
            .as_ref()
            .is_none_or(|a| Some(a.as_str()) == app_id)
    }
}

/// Checks the format and checksum first (no database work for garbage), then looks the
/// hash up (or finds it checked recently, see `cache`); revoked and expired tokens fail
/// on their next request. Every failure is the same `Unauthenticated`, so a client
/// learns nothing about which tokens exist.
pub async fn authenticate(ctx: &Ctx, raw: &str) -> Result<Arc<RuntimeToken>, AppError> {
    if let Err(reason) = check(raw) {
        tracing::debug!(%reason, "runtime token refused before lookup");
        return Err(AppError::Unauthenticated);
    }
    let key = hash(raw);
    let at = now();
    match ctx.runtime.tokens.get(&key, at) {
        Cached::Fresh(known) => {
            ctx.last_used.touch(known.id.as_str(), at);
            Ok(known)
        }
        Cached::Recheck(known) => {
            ctx.last_used.touch(known.id.as_str(), at);
            let ctx = ctx.clone();
            tokio::spawn(async move {
                // Gone or failing: forget it, so the next request asks the database.
                if lookup(&ctx, key.clone(), now()).await.is_err() {
                    ctx.runtime.tokens.forget_hash(&key);
                }
            });
            Ok(known)
        }
        Cached::Miss => lookup(ctx, key, at).await,
    }
}

/// The database's answer for a token hash, cached when it passes.
async fn lookup(
    ctx: &Ctx,
    key: String,
    at: time::OffsetDateTime,
) -> Result<Arc<RuntimeToken>, AppError> {
    let token = runtime_token::Entity::find()
        .filter(runtime_token::Column::SecretHash.eq(key.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // A rotated token works through its grace period: only revoked and expired fail.
    if matches!(
        status(&token, at, false),
        TokenStatus::Revoked | TokenStatus::Expired
    ) {
        tracing::debug!(prefix = %token.prefix, "revoked or expired runtime token refused");
        return Err(AppError::Unauthenticated);
    }
    ctx.last_used.touch(&token.id, at);
    let passed = Arc::new(RuntimeToken {
        id: TokenId::from_db(token.id),
        tenant_id: TenantId::from_db(token.tenant_id),
        space_id: SpaceId::from_db(token.space_id),
        app_id: token.app_id.map(AppId::from_db),
        persona_id: token.persona_id.map(PersonaId::from_db),
        scopes: scopes_from_db(&token.scopes),
        expires_at: token.expires_at,
    });
    ctx.runtime.tokens.put(key, passed.clone());
    Ok(passed)
}

/// Whether a token that passed earlier still works (neither revoked nor expired). A
/// database error counts as "no": an open stream then closes and the runtime reconnects.
pub async fn still_valid(ctx: &Ctx, token: &RuntimeToken) -> bool {
    match runtime_token::Entity::find_by_id(token.id.as_str())
        .one(&ctx.db)
        .await
    {
        Ok(Some(found)) => !matches!(
            status(&found, now(), false),
            TokenStatus::Revoked | TokenStatus::Expired
        ),
        _ => false,
    }
}
