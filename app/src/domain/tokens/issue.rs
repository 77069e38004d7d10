//! Issuing a token, and rotating one (a successor that shares its reach, while the old
//! token keeps working for a grace period).

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use time::Duration;

use super::format::{TokenSecret, hash, visible_prefix};
use super::{
    DEFAULT_DAYS, DEFAULT_GRACE_HOURS, MAX_DAYS, MAX_GRACE_HOURS, scopes_to_db, status, token_for,
};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{app, persona, runtime_token};
use crate::domain::spaces::space_for;
use crate::domain::users::check_name;
use crate::domain::{Actor, Ctx, db, now, rfc3339};
use crate::types::{
    AppId, IssuedToken, PersonaId, RuntimeScope, SpaceId, TenantId, TokenId, TokenStatus,
};

/// What the issue form sends. Narrowing fields are ids or empty ("any").
#[derive(Debug, Clone, Default)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub scopes: &'a [String],
    pub app_id: &'a str,
    pub persona_id: &'a str,
    /// `None`: the default lifetime.
    pub expires_in_days: Option<u32>,
}

pub async fn issue_token(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    input: NewToken<'_>,
) -> Result<IssuedToken, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::ManageTokens).await?;
    let name = check_name("name", input.name)?;
    let scopes = check_scopes(input.scopes)?;
    let days = check_days(input.expires_in_days)?;
    let app_id = check_app(ctx, space_id, input.app_id).await?;
    let persona_id = check_persona(ctx, space_id, input.persona_id).await?;

    let Actor::Console(user) = actor;
    let tenant = TenantId::from_db(scope.space.tenant_id.clone());
    let at = now();
    let txn = db::begin_write(&ctx.db).await?;
    let (issued, model) = insert(
        &txn,
        runtime_token::Model {
            id: TokenId::new().to_string(),
            tenant_id: tenant.to_string(),
            space_id: space_id.to_string(),
            app_id: app_id.map(String::from),
            persona_id: persona_id.map(String::from),
            name,
            prefix: String::new(),
            secret_hash: String::new(),
            scopes: scopes_to_db(&scopes),
            created_by: Some(user.user_id.to_string()),
            created_at: at,
            expires_at: at + Duration::days(i64::from(days)),
            revoked_at: None,
            revoked_by: None,
            last_used_at: None,
            rotated_from: None,
        },
    )
    .await?;
    record(
        &txn,
        &tenant,
        &AuditActor::of(actor),
        Change::created("token.issued", &model),
    )
    .await?;
    txn.commit().await?;
    Ok(issued)
}

/// Issues a successor with the same space, narrowing, scopes and name, and shortens the
/// old token's life to `grace_hours` from now (never lengthens it).
pub async fn rotate_token(
    ctx: &Ctx,
    actor: &Actor,
    token_id: &TokenId,
    grace_hours: Option<u32>,
    expires_in_days: Option<u32>,
) -> Result<IssuedToken, AppError> {
    let (old, scope) = token_for(ctx, actor, token_id, Action::ManageTokens).await?;
    let grace = grace_hours.unwrap_or(DEFAULT_GRACE_HOURS);
    if grace > MAX_GRACE_HOURS {
        return Err(AppError::invalid(
            "grace_hours",
            format!("at most {MAX_GRACE_HOURS} hours (30 days)"),
        ));
    }
    let days = check_days(expires_in_days)?;
    let Actor::Console(user) = actor;
    let tenant = TenantId::from_db(scope.space.tenant_id.clone());
    let at = now();

    let txn = db::begin_write(&ctx.db).await?;
    // Read again inside the write lock: a concurrent revoke or rotate wins cleanly.
    let old = runtime_token::Entity::find_by_id(old.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let rotated = runtime_token::Entity::find()
        .filter(runtime_token::Column::RotatedFrom.eq(old.id.as_str()))
        .count(&txn)
        .await?
        > 0;
    match status(&old, at, rotated) {
        TokenStatus::Active => {}
        TokenStatus::Revoked => {
            return Err(AppError::conflict(
                "this token is revoked: issue a new one instead",
            ));
        }
        TokenStatus::Expired => {
            return Err(AppError::conflict(
                "this token has expired: issue a new one instead",
            ));
        }
        TokenStatus::Rotating => {
            return Err(AppError::conflict(
                "this token was already rotated: rotate its successor instead",
            ));
        }
    }
    let (issued, successor) = insert(
        &txn,
        runtime_token::Model {
            id: TokenId::new().to_string(),
            created_by: Some(user.user_id.to_string()),
            created_at: at,
            expires_at: at + Duration::days(i64::from(days)),
            revoked_at: None,
            revoked_by: None,
            last_used_at: None,
            rotated_from: Some(old.id.clone()),
            ..old.clone()
        },
    )
    .await?;
    let mut shortened: runtime_token::ActiveModel = old.clone().into();
    shortened.expires_at = Set(old.expires_at.min(at + Duration::hours(i64::from(grace))));
    let shortened = shortened.update(&txn).await?;
    let audit_actor = AuditActor::of(actor);
    record(
        &txn,
        &tenant,
        &audit_actor,
        Change::updated("token.rotated", &old, &shortened),
    )
    .await?;
    record(
        &txn,
        &tenant,
        &audit_actor,
        Change::created("token.issued", &successor),
    )
    .await?;
    txn.commit().await?;
    // Its expiry moved: the next request reads the new one, and open streams reopen
    // to end at it.
    ctx.runtime.token_changed(&old.id);
    Ok(issued)
}

/// Generates the secret, stores its hash and prefix, and returns what to show once.
async fn insert(
    txn: &sea_orm::DatabaseTransaction,
    mut model: runtime_token::Model,
) -> Result<(IssuedToken, runtime_token::Model), AppError> {
    let secret = TokenSecret::generate();
    model.prefix = visible_prefix(secret.expose());
    model.secret_hash = hash(secret.expose());
    let stored = runtime_token::ActiveModel::from(model).insert(txn).await?;
    Ok((
        IssuedToken {
            id: TokenId::from_db(stored.id.clone()),
            token: secret.expose().to_string(),
            prefix: stored.prefix.clone(),
            expires_at: rfc3339(stored.expires_at),
        },
        stored,
    ))
}

fn check_scopes(raw: &[String]) -> Result<Vec<RuntimeScope>, AppError> {
    let mut scopes = Vec::new();
    for s in raw {
        let scope = RuntimeScope::parse(s.trim()).ok_or_else(|| {
            AppError::invalid("scopes", format!("“{}” is not a runtime scope", s.trim()))
        })?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        return Err(AppError::invalid(
            "scopes",
            "choose at least one thing the token may do",
        ));
    }
    Ok(scopes)
}

fn check_days(days: Option<u32>) -> Result<u32, AppError> {
    match days.unwrap_or(DEFAULT_DAYS) {
        d @ 1..=MAX_DAYS => Ok(d),
        _ => Err(AppError::invalid(
            "expires_in_days",
            format!("a token expires after 1 to {MAX_DAYS} days"),
        )),
    }
}

async fn check_app(ctx: &Ctx, space_id: &SpaceId, raw: &str) -> Result<Option<AppId>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let refused = || AppError::invalid("app_id", "choose an app of this space");
    let id: AppId = raw.parse().map_err(|_| refused())?;
    app::Entity::find_by_id(id.as_str())
        .filter(app::Column::SpaceId.eq(space_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or_else(refused)?;
    Ok(Some(id))
}

async fn check_persona(
    ctx: &Ctx,
    space_id: &SpaceId,
    raw: &str,
) -> Result<Option<PersonaId>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let refused = || AppError::invalid("persona_id", "choose a persona of this space");
    let id: PersonaId = raw.parse().map_err(|_| refused())?;
    persona::Entity::find_by_id(id.as_str())
        .filter(persona::Column::SpaceId.eq(space_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or_else(refused)?;
    Ok(Some(id))
}
