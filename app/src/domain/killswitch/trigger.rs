//! Trigger URLs: one secret URL per switch that a monitoring system POSTs to, to engage
//! the switch without a person in the loop (an alert can stop a persona at 3 a.m.).
//! Issuing one needs the right to engage the switch; issuing again rotates it (the old
//! URL stops at once); both, and every firing, are audited. Only a SHA-256 hash of the
//! secret is stored; the URL is shown once. A malformed secret is refused before any
//! database work, and an unknown one is "not found" with no hint either way.

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::engage::{Engager, SwitchTarget, engage_as, space_of};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{kill_switch, space, switch_trigger};
use crate::domain::runtime::snapshot::SwitchScope;
use crate::domain::tokens::format::hash;
use crate::domain::validate::check_text;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{KillSwitchId, TenantId};

pub const PREFIX: &str = "kst_";
const SECRET_LEN: usize = 40;
/// Where trigger URLs live: `{origin}/hooks/kill-switch/{secret}`.
pub const PATH: &str = "/hooks/kill-switch/";
pub const MAX_NOTE: usize = 500;

pub fn well_formed(secret: &str) -> bool {
    secret.len() == PREFIX.len() + SECRET_LEN
        && secret.starts_with(PREFIX)
        && secret[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
}

fn visible(secret: &str) -> String {
    secret.chars().take(PREFIX.len() + 6).collect()
}

/// A freshly issued trigger: the secret, shown once.
#[derive(Clone)]
pub struct IssuedTrigger {
    pub switch_id: KillSwitchId,
    pub secret: String,
}

impl std::fmt::Debug for IssuedTrigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "IssuedTrigger({}, {}…)",
            self.switch_id,
            visible(&self.secret)
        )
    }
}

/// Issues (or rotates) the trigger URL of a switch, creating the switch on first use.
pub async fn issue_trigger(
    ctx: &Ctx,
    actor: &Actor,
    target: &SwitchTarget,
) -> Result<IssuedTrigger, AppError> {
    let Actor::Console(user) = actor;
    let space_id = space_of(ctx, &user.tenant_id, target).await?;
    super::reach(ctx, actor, space_id.as_deref(), Action::EngageKillSwitch).await?;
    let secret = format!(
        "{PREFIX}{}",
        Alphanumeric.sample_string(&mut OsRng, SECRET_LEN)
    );

    let _one_at_a_time = ctx.runtime.switching.lock().await;
    let txn = db::begin_write(&ctx.db).await?;
    let switch = match kill_switch::Entity::find()
        .filter(kill_switch::Column::Scope.eq(target.scope.as_str()))
        .filter(kill_switch::Column::ScopeId.eq(target.id.as_str()))
        .one(&txn)
        .await?
    {
        Some(s) => s,
        None => {
            let created = kill_switch::ActiveModel {
                id: Set(KillSwitchId::new().to_string()),
                tenant_id: Set(user.tenant_id.to_string()),
                space_id: Set(space_id.clone()),
                scope: Set(target.scope.as_str().into()),
                scope_id: Set(target.id.clone()),
                engaged: Set(false),
                reason: Set(String::new()),
                engaged_by: Set(None),
                engaged_at: Set(None),
                released_by: Set(None),
                released_at: Set(None),
                last_drill_at: Set(None),
                last_drill_by: Set(None),
                last_drill_ms: Set(None),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                &user.tenant_id,
                &AuditActor::of(actor),
                Change::created("kill_switch.created", &created),
            )
            .await?;
            created
        }
    };
    let previous = switch_trigger::Entity::find_by_id(switch.id.as_str())
        .one(&txn)
        .await?;
    if let Some(old) = &previous {
        switch_trigger::Entity::delete_by_id(old.switch_id.as_str())
            .exec(&txn)
            .await?;
    }
    let row = switch_trigger::ActiveModel {
        switch_id: Set(switch.id.clone()),
        tenant_id: Set(user.tenant_id.to_string()),
        secret_hash: Set(hash(&secret)),
        prefix: Set(visible(&secret)),
        created_by: Set(user.user_id.to_string()),
        created_at: Set(now()),
        last_fired_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let change = match &previous {
        Some(old) => Change::updated("kill_switch.trigger_rotated", old, &row),
        None => Change::created("kill_switch.trigger_issued", &row),
    };
    record(&txn, &user.tenant_id, &AuditActor::of(actor), change).await?;
    txn.commit().await?;
    Ok(IssuedTrigger {
        switch_id: KillSwitchId::from_db(switch.id),
        secret,
    })
}

/// Removes a switch's trigger URL (it stops working at once).
pub async fn remove_trigger(ctx: &Ctx, actor: &Actor, switch_id: &str) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let switch = kill_switch::Entity::find_by_id(switch_id)
        .filter(kill_switch::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    super::reach(
        ctx,
        actor,
        switch.space_id.as_deref(),
        Action::EngageKillSwitch,
    )
    .await?;
    let txn = db::begin_write(&ctx.db).await?;
    let Some(old) = switch_trigger::Entity::find_by_id(switch.id.as_str())
        .one(&txn)
        .await?
    else {
        return Err(AppError::conflict(
            "this switch has no trigger URL; nothing changed",
        ));
    };
    switch_trigger::Entity::delete_by_id(old.switch_id.as_str())
        .exec(&txn)
        .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::deleted("kill_switch.trigger_removed", &old),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a firing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub switch_id: String,
    pub scope: String,
    pub scope_id: String,
    /// The switch was engaged already (its first reason stands).
    pub already_engaged: bool,
}

/// A monitoring system POSTed to a trigger URL: engage its switch, through the same
/// commit as an operator's stop. `note` (optional) joins the reason.
pub async fn fire(ctx: &Ctx, secret: &str, note: &str) -> Result<Fired, AppError> {
    if !well_formed(secret) {
        return Err(AppError::NotFound);
    }
    let note = check_text("reason", note, MAX_NOTE)?;
    let trigger = switch_trigger::Entity::find()
        .filter(switch_trigger::Column::SecretHash.eq(hash(secret)))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let switch = kill_switch::Entity::find_by_id(trigger.switch_id.as_str())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let fired = Fired {
        switch_id: switch.id.clone(),
        scope: switch.scope.clone(),
        scope_id: switch.scope_id.clone(),
        already_engaged: switch.engaged,
    };
    switch_trigger::Entity::update_many()
        .col_expr(
            switch_trigger::Column::LastFiredAt,
            Expr::value(Some(now())),
        )
        .filter(switch_trigger::Column::SwitchId.eq(switch.id.as_str()))
        .exec(&ctx.db)
        .await?;
    if switch.engaged {
        return Ok(fired);
    }
    let spaces = match &switch.space_id {
        Some(space) => vec![space.clone()],
        None => space::Entity::find()
            .filter(space::Column::TenantId.eq(switch.tenant_id.as_str()))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    let scope = SwitchScope::parse(&switch.scope).ok_or(AppError::Internal)?;
    let reason = if note.is_empty() {
        format!("Engaged by its trigger URL ({}…)", trigger.prefix)
    } else {
        format!("Engaged by its trigger URL ({}…): {note}", trigger.prefix)
    };
    let by = Engager {
        tenant: TenantId::from_db(switch.tenant_id.clone()),
        audit: AuditActor {
            role: "trigger_url".into(),
            ..AuditActor::system()
        },
        user_id: None,
    };
    let target = SwitchTarget {
        scope,
        id: switch.scope_id.clone(),
    };
    engage_as(ctx, &by, &target, switch.space_id.clone(), &spaces, &reason).await?;
    Ok(fired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_shape_reaches_the_database() {
        let good = format!("{PREFIX}{}", "a".repeat(SECRET_LEN));
        assert!(well_formed(&good));
        assert!(!well_formed(&good[..good.len() - 1]));
        assert!(!well_formed(&format!("psn_{}", "a".repeat(SECRET_LEN))));
        assert!(!well_formed(&format!(
            "{PREFIX}{}!",
            "a".repeat(SECRET_LEN - 1)
        )));
        assert!(!well_formed(&format!(
            "{PREFIX}{}é",
            "a".repeat(SECRET_LEN - 2)
        )));
        assert_eq!(visible(&good), "kst_aaaaaa");
    }
}
