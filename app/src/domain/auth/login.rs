//! Sign-in, and turning a session back into an `Actor` on every request.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::net::IpAddr;
use std::time::Instant;

use super::session_auth::SessionAuth;
use crate::AppError;
use crate::domain::entities::{membership, tenant, user};
use crate::domain::{Actor, ConsoleUser, Ctx};
use crate::types::{Role, TenantId, UserId};

/// Longest email (RFC 5321) and longest password we will even look at.
pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_PASSWORD_LEN: usize = 1024;

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks the credentials and returns what the session should hold.
/// Unknown email, wrong password and disabled account fail alike, after the same work.
pub async fn login(
    ctx: &Ctx,
    email: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<SessionAuth, AppError> {
    let email = normalize_email(email);
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err(AppError::invalid(
            "email",
            "That email address is too long.",
        ));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AppError::invalid("password", "That password is too long."));
    }

    let started = Instant::now();
    ctx.throttle
        .check(&email, ip, started)
        .map_err(|wait| AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })?;

    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&ctx.db)
        .await?;
    let hash = found.as_ref().map(|u| u.password_hash.clone());
    let verified = ctx.passwords.verify(hash, password.to_string()).await?;
    let user = match found {
        Some(user) if verified && !user.disabled => user,
        _ => {
            ctx.throttle.record_failure(&email, ip, started);
            tracing::info!(ip = ?ip, "sign-in failed");
            return Err(AppError::InvalidCredentials);
        }
    };
    ctx.throttle.record_success(&email);

    // The first tenant by name; switching tenants comes with the members pages.
    let Some(tenant_id) = tenant_ids_by_name(&ctx.db, &user.id)
        .await?
        .into_iter()
        .next()
    else {
        return Err(AppError::conflict(
            "Your account is not a member of any tenant yet. Ask an owner to add you.",
        ));
    };
    tracing::info!(user_id = %user.id, "signed in");
    Ok(SessionAuth {
        user_id: user.id,
        tenant_id,
        authenticated_at: crate::domain::now().unix_timestamp(),
    })
}

/// The user's tenant ids, ordered by tenant name.
async fn tenant_ids_by_name(
    db: &sea_orm::DatabaseConnection,
    user_id: &str,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let ids: Vec<String> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.tenant_id)
        .collect();
    let tenants = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(ids))
        .order_by_asc(tenant::Column::Name)
        .all(db)
        .await?;
    Ok(tenants.into_iter().map(|t| t.id).collect())
}

/// The actor behind a session, or `None` when the session no longer stands: past the
/// absolute timeout, user disabled or gone, or no longer a member of the tenant.
pub async fn load_actor(ctx: &Ctx, auth: &SessionAuth) -> Result<Option<Actor>, AppError> {
    if auth.expired(crate::domain::now().unix_timestamp()) {
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(auth.user_id.as_str())
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let Some(member) =
        membership::Entity::find_by_id((auth.tenant_id.clone(), auth.user_id.clone()))
            .one(&ctx.db)
            .await?
    else {
        return Ok(None);
    };
    let Some(tenant) = tenant::Entity::find_by_id(auth.tenant_id.as_str())
        .one(&ctx.db)
        .await?
    else {
        return Ok(None);
    };
    let role: Role = member.role.parse().map_err(|e: String| {
        tracing::error!(error = %e, "membership has an unknown role");
        AppError::Internal
    })?;
    Ok(Some(Actor::Console(ConsoleUser {
        user_id: UserId::from_db(user.id),
        email: user.email,
        display_name: user.display_name,
        tenant_id: TenantId::from_db(tenant.id),
        tenant_name: tenant.name,
        role,
        ip: None,
        user_agent: None,
    })))
}

/// A member acting from the command line (`persona-console token …`): the same identity
/// and authorization as in the console, with the CLI named as the origin in the audit log.
pub async fn cli_actor(ctx: &Ctx, email: &str, tenant_id: &str) -> Result<Actor, AppError> {
    let refused = || AppError::invalid("as", "no active member with that email in this tenant");
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(normalize_email(email)))
        .one(&ctx.db)
        .await?
        .ok_or_else(refused)?;
    let auth = SessionAuth {
        user_id: user.id,
        tenant_id: tenant_id.to_string(),
        authenticated_at: crate::domain::now().unix_timestamp(),
    };
    let actor = load_actor(ctx, &auth).await?.ok_or_else(refused)?;
    Ok(actor.with_origin(None, Some("persona-console CLI".into())))
}
