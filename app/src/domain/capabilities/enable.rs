//! Enabling a built-in surface and registering an external system.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::external::{ParsedAction, key_from_name, parse_actions};
use super::{SOURCE_BUILTIN, SOURCE_EXTERNAL, builtins};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{capability, capability_action};
use crate::domain::runtime::changes;
use crate::domain::spaces::space_for;
use crate::domain::validate::{check_name, check_text};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{BuiltIn, CapabilityId, SpaceId, SystemKind, TenantId};

pub async fn enable_builtin(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    builtin: &str,
) -> Result<CapabilityId, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let builtin = BuiltIn::parse(builtin)
        .ok_or_else(|| AppError::invalid("builtin", "not one of the seven built-in surfaces"))?;

    let txn = db::begin_write(&ctx.db).await?;
    let existing = capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space_id.as_str()))
        .filter(capability::Column::Key.eq(builtin.as_str()))
        .one(&txn)
        .await?;
    let tenant = TenantId::from_db(scope.space.tenant_id);
    let id = match existing {
        Some(cap) if cap.enabled => {
            return Err(AppError::conflict(format!(
                "{} is already enabled in this space.",
                builtin.label()
            )));
        }
        Some(cap) => {
            let before = cap.clone();
            let mut active: capability::ActiveModel = cap.into();
            active.enabled = Set(true);
            let after = active.update(&txn).await?;
            record(
                &txn,
                &tenant,
                &AuditActor::of(actor),
                Change::updated("capability.enabled", &before, &after),
            )
            .await?;
            CapabilityId::from_db(after.id)
        }
        None => {
            let actions: Vec<ParsedAction> = builtins::actions(builtin)
                .iter()
                .map(|a| ParsedAction {
                    name: a.name.into(),
                    kind: a.kind,
                    risk: a.risk,
                })
                .collect();
            let created = insert_capability(
                &txn,
                space_id,
                builtin.as_str().into(),
                builtin.label().into(),
                SOURCE_BUILTIN,
                None,
                None,
                &actions,
            )
            .await?;
            record(
                &txn,
                &tenant,
                &AuditActor::of(actor),
                Change::created("capability.enabled", &created),
            )
            .await?;
            CapabilityId::from_db(created.capability.id)
        }
    };
    changes::policy_changed(&txn, space_id.as_str(), None).await?;
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await?;
    Ok(id)
}

pub struct NewExternalSystem<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub endpoint: &'a str,
    /// One action per line: `name read|write [high_risk] [financial] [privileged] [irreversible]`.
    pub actions: &'a str,
}

pub async fn register_external_system(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    input: NewExternalSystem<'_>,
) -> Result<CapabilityId, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let kind = SystemKind::parse(input.kind)
        .ok_or_else(|| AppError::invalid("kind", "choose one of the listed kinds"))?;
    let name = check_name("name", input.name)?;
    let key = key_from_name(&name)?;
    let endpoint = check_text("endpoint", input.endpoint, 500)?;
    if endpoint.is_empty() || endpoint.chars().any(char::is_whitespace) {
        return Err(AppError::invalid(
            "endpoint",
            "give a base URL or an identifier, without spaces",
        ));
    }
    let actions = parse_actions(input.actions)?;

    let txn = db::begin_write(&ctx.db).await?;
    if capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space_id.as_str()))
        .filter(capability::Column::Key.eq(key.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "name",
            format!("this space already has a system with the key “{key}”"),
        ));
    }
    let created = insert_capability(
        &txn,
        space_id,
        key,
        name,
        SOURCE_EXTERNAL,
        Some(kind),
        Some(endpoint),
        &actions,
    )
    .await?;
    record(
        &txn,
        &TenantId::from_db(scope.space.tenant_id),
        &AuditActor::of(actor),
        Change::created("capability.registered", &created),
    )
    .await?;
    changes::policy_changed(&txn, space_id.as_str(), None).await?;
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await?;
    Ok(CapabilityId::from_db(created.capability.id))
}

/// The capability row and its actions; the audit view lists the actions, so one entry
/// describes the whole registration.
#[allow(clippy::too_many_arguments)]
async fn insert_capability(
    txn: &DatabaseTransaction,
    space_id: &SpaceId,
    key: String,
    name: String,
    source: &str,
    kind: Option<SystemKind>,
    endpoint: Option<String>,
    actions: &[ParsedAction],
) -> Result<super::read::CapabilityWithActions, AppError> {
    let id = CapabilityId::new();
    let cap = capability::ActiveModel {
        id: Set(id.to_string()),
        space_id: Set(space_id.to_string()),
        key: Set(key),
        name: Set(name),
        source: Set(source.into()),
        system_kind: Set(kind.map(|k| k.as_str().to_string())),
        endpoint: Set(endpoint),
        enabled: Set(true),
        created_at: Set(now()),
    }
    .insert(txn)
    .await?;
    let mut rows = Vec::with_capacity(actions.len());
    for a in actions {
        rows.push(
            capability_action::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                capability_id: Set(id.to_string()),
                name: Set(a.name.clone()),
                access: Set(a.kind.as_str().into()),
                high_risk: Set(a.risk.high_risk),
                financial: Set(a.risk.financial),
                privileged: Set(a.risk.privileged),
                irreversible: Set(a.risk.irreversible),
            }
            .insert(txn)
            .await?,
        );
    }
    Ok(super::read::CapabilityWithActions {
        capability: cap,
        actions: rows,
    })
}
