//! People as the rest of the domain needs them: display names for ids, and creating
//! accounts from the command line (the first owner of an installation).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;

use super::audit::{AuditActor, Change, record};
use super::auth::login::{MAX_EMAIL_LEN, normalize_email};
use super::auth::password_policy::check_new_password;
use super::entities::{membership, tenant, user};
use super::{Ctx, db};
use crate::AppError;
use crate::types::{Role, TenantId, UserId};

/// Display names by user id, in one query whatever the number of ids (duplicates
/// allowed). An id without a user is missing from the map; callers show the id. Takes
/// the ids collected: an iterator of borrowing closures held across the query would
/// make the callers' futures lifetime-bound.
pub async fn display_names(
    db: &impl ConnectionTrait,
    mut ids: Vec<String>,
) -> Result<HashMap<String, String>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::DisplayName])
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

pub fn check_email(email: &str) -> Result<String, AppError> {
    let email = normalize_email(email);
    let valid_shape = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    if email.len() > MAX_EMAIL_LEN
        || !valid_shape
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AppError::invalid(
            "email",
            "Enter an email address like name@example.com.",
        ));
    }
    Ok(email)
}

pub fn check_name(field: &str, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if name.chars().count() > 120 {
        return Err(AppError::invalid(field, "must be at most 120 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(name.to_string())
}

pub struct NewAdmin {
    pub user_id: UserId,
    pub tenant_id: TenantId,
}

/// Creates an owner account, in a new tenant of the given name.
/// Only the operating-system user who runs the CLI can call this; there is no actor.
pub async fn create_admin(
    ctx: &Ctx,
    email: &str,
    password: String,
    tenant_name: &str,
) -> Result<NewAdmin, AppError> {
    let email = check_email(email)?;
    let tenant_name = check_name("tenant", tenant_name)?;
    check_new_password(&password, &email)?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&ctx.db)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(format!(
            "An account for {email} already exists."
        )));
    }
    let hash = ctx.passwords.hash(password).await?;
    let (user_id, tenant_id) = (UserId::new(), TenantId::new());
    let now = super::now();
    let actor = AuditActor::system();
    let txn = db::begin_write(&ctx.db).await?;
    let created = tenant::ActiveModel {
        id: Set(tenant_id.to_string()),
        name: Set(tenant_name),
        created_at: Set(now),
        audit_head_seq: Set(0),
        audit_head_hash: Set(crate::domain::audit::chain::GENESIS.into()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &tenant_id,
        &actor,
        Change::created("tenant.create", &created),
    )
    .await?;
    let created = user::ActiveModel {
        id: Set(user_id.to_string()),
        display_name: Set(email.split('@').next().unwrap_or_default().to_string()),
        email: Set(email),
        password_hash: Set(hash),
        disabled: Set(false),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &tenant_id,
        &actor,
        Change::created("user.create", &created),
    )
    .await?;
    let created = membership::ActiveModel {
        tenant_id: Set(tenant_id.to_string()),
        user_id: Set(user_id.to_string()),
        role: Set(Role::Owner.as_str().to_string()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &tenant_id,
        &actor,
        Change::created("membership.create", &created),
    )
    .await?;
    txn.commit().await?;
    Ok(NewAdmin { user_id, tenant_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            check_email("  Ann@Example.COM "),
            Ok("ann@example.com".into())
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a n@example.com",
            &format!("{}@x.io", "a".repeat(260)),
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("tenant", "  Acme "), Ok("Acme".into()));
        assert!(check_name("tenant", "   ").is_err());
        assert!(check_name("tenant", &"x".repeat(121)).is_err());
        assert!(check_name("tenant", "a\u{0}b").is_err());
    }
}
