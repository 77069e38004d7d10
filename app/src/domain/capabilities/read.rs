//! Reading capabilities for pages: per space (with the built-ins not yet enabled, so the
//! page can offer them) and across the spaces the viewer reaches (the catalog).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::SOURCE_BUILTIN;
use super::builtins;
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{capability, capability_action, grant};
use crate::domain::{Actor, Ctx};
use crate::types::{
    ActionKind, ActionView, BuiltIn, CapabilityId, CapabilitySource, CapabilityView, CatalogSpace,
    CatalogView, RiskFlags, SpaceId, SystemKind,
};

/// A capability row with its actions (what the audit log shows on registration).
#[derive(Debug, Clone)]
pub struct CapabilityWithActions {
    pub capability: capability::Model,
    pub actions: Vec<capability_action::Model>,
}

pub fn action_view(a: &capability_action::Model) -> ActionView {
    ActionView {
        name: a.name.clone(),
        kind: ActionKind::parse(&a.access).unwrap_or(ActionKind::Write),
        risk: RiskFlags {
            high_risk: a.high_risk,
            financial: a.financial,
            privileged: a.privileged,
            irreversible: a.irreversible,
        },
    }
}

/// Capabilities of the given spaces with their actions and grant counts, in 3 queries.
pub async fn load_for_spaces(
    db: &impl ConnectionTrait,
    space_ids: &[&str],
) -> Result<Vec<CapabilityWithActions>, AppError> {
    let caps = capability::Entity::find()
        .filter(capability::Column::SpaceId.is_in(space_ids.iter().copied()))
        .order_by_asc(capability::Column::Source)
        .order_by_asc(capability::Column::Name)
        .all(db)
        .await?;
    let mut actions: HashMap<String, Vec<capability_action::Model>> = HashMap::new();
    for a in capability_action::Entity::find()
        .filter(capability_action::Column::CapabilityId.is_in(caps.iter().map(|c| c.id.as_str())))
        .order_by_asc(capability_action::Column::Name)
        .all(db)
        .await?
    {
        actions.entry(a.capability_id.clone()).or_default().push(a);
    }
    Ok(caps
        .into_iter()
        .map(|c| CapabilityWithActions {
            actions: actions.remove(&c.id).unwrap_or_default(),
            capability: c,
        })
        .collect())
}

pub async fn grant_counts(
    db: &impl ConnectionTrait,
    capability_ids: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, u64>, AppError> {
    let rows: Vec<(String, i64)> = grant::Entity::find()
        .select_only()
        .column(grant::Column::CapabilityId)
        .column_as(grant::Column::Id.count(), "n")
        .filter(grant::Column::CapabilityId.is_in(capability_ids))
        .group_by(grant::Column::CapabilityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

pub fn to_view(c: &CapabilityWithActions, grant_count: Option<u64>) -> CapabilityView {
    let cap = &c.capability;
    let source = if cap.source == SOURCE_BUILTIN {
        CapabilitySource::BuiltIn(BuiltIn::parse(&cap.key).unwrap_or(BuiltIn::Chat))
    } else {
        CapabilitySource::External {
            kind: cap
                .system_kind
                .as_deref()
                .and_then(SystemKind::parse)
                .unwrap_or(SystemKind::Other),
            endpoint: cap.endpoint.clone().unwrap_or_default(),
        }
    };
    CapabilityView {
        id: Some(CapabilityId::from_db(cap.id.clone())),
        key: cap.key.clone(),
        name: cap.name.clone(),
        source,
        enabled: cap.enabled,
        actions: c.actions.iter().map(action_view).collect(),
        grant_count,
    }
}

/// Every built-in (enabled or not) then the external systems, for one space.
pub fn space_views(
    caps: &[&CapabilityWithActions],
    counts: &HashMap<String, u64>,
) -> Vec<CapabilityView> {
    let mut views: Vec<CapabilityView> = BuiltIn::ALL
        .iter()
        .map(|b| {
            caps.iter()
                .find(|c| c.capability.source == SOURCE_BUILTIN && c.capability.key == b.as_str())
                .map(|c| to_view(c, Some(counts.get(&c.capability.id).copied().unwrap_or(0))))
                .unwrap_or_else(|| CapabilityView {
                    id: None,
                    key: b.as_str().into(),
                    name: b.label().into(),
                    source: CapabilitySource::BuiltIn(*b),
                    enabled: false,
                    actions: builtins::actions(*b)
                        .iter()
                        .map(|a| ActionView {
                            name: a.name.into(),
                            kind: a.kind,
                            risk: a.risk,
                        })
                        .collect(),
                    grant_count: Some(0),
                })
        })
        .collect();
    views.extend(
        caps.iter()
            .filter(|c| c.capability.source != SOURCE_BUILTIN)
            .map(|c| to_view(c, Some(counts.get(&c.capability.id).copied().unwrap_or(0)))),
    );
    views
}

/// The capability catalog: every space the viewer reaches, with its capabilities.
pub async fn get_catalog(ctx: &Ctx, actor: &Actor) -> Result<CatalogView, AppError> {
    let Actor::Console(user) = actor;
    let (access, spaces) = crate::domain::spaces::reachable(ctx, actor).await?;
    let ids: Vec<&str> = spaces.iter().map(|s| s.id.as_str()).collect();
    let caps = load_for_spaces(&ctx.db, &ids).await?;
    let counts = grant_counts(&ctx.db, caps.iter().map(|c| c.capability.id.clone())).await?;
    Ok(CatalogView {
        spaces: spaces
            .into_iter()
            .map(|s| {
                let id = SpaceId::from_db(s.id);
                let mine: Vec<&CapabilityWithActions> = caps
                    .iter()
                    .filter(|c| c.capability.space_id == id.as_str())
                    .collect();
                CatalogSpace {
                    can_edit: authorize(
                        actor,
                        Action::EditSpace,
                        Scope::Space {
                            access: &access,
                            tenant: &user.tenant_id,
                            space: &id,
                        },
                    )
                    .is_ok(),
                    capabilities: space_views(&mine, &counts),
                    id,
                    name: s.name,
                }
            })
            .collect(),
    })
}
