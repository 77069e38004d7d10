//! Adding members, changing roles, removing members and disabling users. Removing or
//! disabling someone ends their sessions in the same transaction: they are signed out on
//! their next request, not when a cookie expires.

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

use crate::AppError;
use crate::domain::access::{TenantAccess, tenant_access};
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{membership, session, team, team_member, user};
use crate::domain::users::{check_email, check_name};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{AddedMember, Role, UserId};

fn parse_role(value: &str) -> Result<Role, AppError> {
    value
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("role", "choose one of the listed roles"))
}

/// Owners are managed only by owners.
fn authorize_role_change(
    actor: &Actor,
    access: &TenantAccess,
    touches_owner: bool,
) -> Result<(), AppError> {
    authorize(actor, Action::ManageMembers, Scope::Tenant(access))?;
    if touches_owner {
        authorize(actor, Action::ManageOwners, Scope::Tenant(access))?;
    }
    Ok(())
}

async fn membership_of(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    user_id: &UserId,
) -> Result<membership::Model, AppError> {
    membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant_id))
        .filter(membership::Column::UserId.eq(user_id.as_str()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Owners who can still sign in: a disabled owner does not keep a tenant owned.
async fn active_owner_count(db: &impl ConnectionTrait, tenant_id: &str) -> Result<u64, AppError> {
    let owners: Vec<String> = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant_id))
        .filter(membership::Column::Role.eq(Role::Owner.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(owners))
        .filter(user::Column::Disabled.eq(false))
        .count(db)
        .await?)
}

const LAST_OWNER: &str = "A tenant must keep at least one owner. Make someone else an owner first.";

pub async fn add_member(
    ctx: &Ctx,
    actor: &Actor,
    email: &str,
    display_name: &str,
    role: &str,
) -> Result<AddedMember, AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    let role = parse_role(role)?;
    authorize_role_change(actor, &access, role == Role::Owner)?;
    let email = check_email(email)?;
    let display_name = check_name("display_name", display_name)?;
    let tenant = me.tenant_id.as_str();

    // Hash before the transaction: it is slow, and the write lock should be short.
    let password = Alphanumeric.sample_string(&mut OsRng, 20);
    let hash = ctx.passwords.hash(password.clone()).await?;
    let txn = db::begin_write(&ctx.db).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    let (user_id, new_account) = match existing {
        Some(u) => {
            if membership_of(&txn, tenant, &UserId::from_db(u.id.clone()))
                .await
                .is_ok()
            {
                return Err(AppError::invalid(
                    "email",
                    "is already a member of this tenant",
                ));
            }
            (u.id, false)
        }
        None => {
            let id = UserId::new().to_string();
            user::ActiveModel {
                id: Set(id.clone()),
                email: Set(email.clone()),
                display_name: Set(display_name),
                password_hash: Set(hash),
                disabled: Set(false),
                created_at: Set(now()),
            }
            .insert(&txn)
            .await?;
            (id, true)
        }
    };
    let created = membership::ActiveModel {
        tenant_id: Set(tenant.into()),
        user_id: Set(user_id),
        role: Set(role.as_str().into()),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    let mut change = Change::created("member.added", &created);
    if let Some(after) = change.after.as_mut() {
        after["email"] = json!(email);
        after["new_account"] = json!(new_account);
    }
    record(&txn, &me.tenant_id, &AuditActor::of(actor), change).await?;
    txn.commit().await?;
    Ok(AddedMember {
        email,
        temporary_password: new_account.then_some(password),
    })
}

pub async fn change_role(
    ctx: &Ctx,
    actor: &Actor,
    user_id: &UserId,
    role: &str,
) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ManageMembers, Scope::Tenant(&access))?;
    let role = parse_role(role)?;
    let tenant = me.tenant_id.as_str();
    let txn = db::begin_write(&ctx.db).await?;
    let before = membership_of(&txn, tenant, user_id).await?;
    let was_owner = before.role == Role::Owner.as_str();
    authorize_role_change(actor, &access, was_owner || role == Role::Owner)?;
    if before.role == role.as_str() {
        return Ok(());
    }
    if was_owner && active_owner_count(&txn, tenant).await? <= 1 {
        return Err(AppError::conflict(LAST_OWNER));
    }
    let mut active: membership::ActiveModel = before.clone().into();
    active.role = Set(role.as_str().into());
    let after = active.update(&txn).await?;
    record(
        &txn,
        &me.tenant_id,
        &AuditActor::of(actor),
        Change::updated("member.role_changed", &before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn remove_member(ctx: &Ctx, actor: &Actor, user_id: &UserId) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ManageMembers, Scope::Tenant(&access))?;
    let tenant = me.tenant_id.as_str();
    let txn = db::begin_write(&ctx.db).await?;
    let before = membership_of(&txn, tenant, user_id).await?;
    let was_owner = before.role == Role::Owner.as_str();
    authorize_role_change(actor, &access, was_owner)?;
    if was_owner && active_owner_count(&txn, tenant).await? <= 1 {
        return Err(AppError::conflict(LAST_OWNER));
    }
    let teams: Vec<String> = team::Entity::find()
        .filter(team::Column::TenantId.eq(tenant))
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    team_member::Entity::delete_many()
        .filter(team_member::Column::UserId.eq(user_id.as_str()))
        .filter(team_member::Column::TeamId.is_in(teams))
        .exec(&txn)
        .await?;
    membership::Entity::delete_many()
        .filter(membership::Column::TenantId.eq(tenant))
        .filter(membership::Column::UserId.eq(user_id.as_str()))
        .exec(&txn)
        .await?;
    // Sessions are per user, not per tenant: the removed member is signed out everywhere
    // and signs in again to reach their other tenants.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.as_str()))
        .exec(&txn)
        .await?;
    record(
        &txn,
        &me.tenant_id,
        &AuditActor::of(actor),
        Change::deleted("member.removed", &before),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_user_disabled(
    ctx: &Ctx,
    actor: &Actor,
    user_id: &UserId,
    disabled: bool,
) -> Result<(), AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ManageMembers, Scope::Tenant(&access))?;
    if *user_id == me.user_id {
        return Err(AppError::conflict("You cannot disable your own account."));
    }
    let tenant = me.tenant_id.as_str();
    let txn = db::begin_write(&ctx.db).await?;
    let member = membership_of(&txn, tenant, user_id).await?;
    let is_owner = member.role == Role::Owner.as_str();
    authorize_role_change(actor, &access, is_owner)?;
    if disabled && is_owner && active_owner_count(&txn, tenant).await? <= 1 {
        return Err(AppError::conflict(LAST_OWNER));
    }
    // A user is one account across tenants: one tenant may not lock them out of another.
    let tenants = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id.as_str()))
        .count(&txn)
        .await?;
    if tenants > 1 {
        return Err(AppError::conflict(
            "This person also belongs to another tenant. Remove them from this tenant instead.",
        ));
    }
    let before = user::Entity::find_by_id(user_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if before.disabled == disabled {
        return Ok(());
    }
    let mut active: user::ActiveModel = before.clone().into();
    active.disabled = Set(disabled);
    let after = active.update(&txn).await?;
    if disabled {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id.as_str()))
            .exec(&txn)
            .await?;
    }
    record(
        &txn,
        &me.tenant_id,
        &AuditActor::of(actor),
        Change::updated(
            if disabled {
                "user.disabled"
            } else {
                "user.enabled"
            },
            &before,
            &after,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
