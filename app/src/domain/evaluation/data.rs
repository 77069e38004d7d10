//! What the checks read, loaded in a fixed number of set-based queries whatever the
//! number of personas (a space of a thousand costs the same dozen-odd queries as a
//! space of one), plus one per `stored::PAGE` grants. The checks themselves (`checks`)
//! are pure over this.

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

use crate::AppError;
use crate::domain::entities::{
    approval, capability, capability_action, decision, kill_switch, membership, persona, promotion,
    space, switch_release, switch_trigger, user,
};
use crate::domain::grants::rules::is_risky;
use crate::domain::grants::stored;
use crate::domain::personas::continuity_from_db;
use crate::domain::rollout::exposure::GrantFact;
use crate::domain::rollout::limits::{self, Limits};
use crate::types::{Access, Continuity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub fact: GrantFact,
    /// The capability's key when it is a built-in surface.
    pub builtin: Option<String>,
    pub access: Access,
    /// Whether the grant covers an action with a risk flag.
    pub risky: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwitchFacts {
    pub engaged: bool,
    pub last_drill_at: Option<time::OffsetDateTime>,
    pub last_drill_ms: Option<i64>,
    pub has_trigger: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaFacts {
    pub id: String,
    pub name: String,
    pub stage: u8,
    pub role: String,
    pub on_call: bool,
    pub continuity: Vec<Continuity>,
    pub grants: Vec<GrantRow>,
    pub switch: SwitchFacts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpaceFacts {
    pub space_id: String,
    pub enabled_builtins: Vec<String>,
    /// Enabled external systems and how many actions each lists.
    pub external_systems: Vec<(String, usize)>,
    pub limits: Vec<Limits>,
    /// A tenant, space, app or capability switch engaged now, described.
    pub engaged_switch: Option<String>,
    /// People who may decide reviews (owners, admins, reviewers; not disabled).
    pub deciders: u32,
    pub oldest_waiting: Option<time::OffsetDateTime>,
    /// Of the last four weeks, those with runtime decisions (in the evaluated scope).
    pub active_weeks: u8,
    pub personas: Vec<PersonaFacts>,
}

/// id, name, stage, role description, on-call user, continuity.
type PersonaRow = (String, String, i16, String, Option<String>, String);
/// id, scope, scope id, engaged, reason, last drill at, last drill duration.
type SwitchRow = (
    String,
    String,
    String,
    bool,
    String,
    Option<time::OffsetDateTime>,
    Option<i64>,
);

/// Loads the facts of a space, about all its personas or only `only` (an evaluation
/// focused on one persona; the activity then counts that persona's decisions).
pub async fn load(
    db: &impl ConnectionTrait,
    space: &space::Model,
    only: Option<&str>,
    at: time::OffsetDateTime,
) -> Result<SpaceFacts, AppError> {
    // Only the columns the checks read: decoding whole rows (timestamps, versions) of
    // thousands of grants was most of an evaluation's time.
    let mut personas = persona::Entity::find()
        .select_only()
        .columns([
            persona::Column::Id,
            persona::Column::Name,
            persona::Column::Stage,
            persona::Column::RoleDescription,
            persona::Column::OnCallUserId,
            persona::Column::Continuity,
        ])
        .filter(persona::Column::SpaceId.eq(space.id.as_str()));
    if let Some(id) = only {
        personas = personas.filter(persona::Column::Id.eq(id));
    }
    let personas: Vec<PersonaRow> = personas
        .order_by_asc(persona::Column::NameFolded)
        .into_tuple()
        .all(db)
        .await?;
    let capabilities: HashMap<String, capability::Model> = capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space.id.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let actions = capability_action::Entity::find()
        .filter(
            capability_action::Column::CapabilityId.in_subquery(
                Query::select()
                    .column(capability::Column::Id)
                    .from(capability::Entity)
                    .and_where(capability::Column::SpaceId.eq(space.id.as_str()))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let switches: Vec<SwitchRow> = kill_switch::Entity::find()
        .select_only()
        .columns([
            kill_switch::Column::Id,
            kill_switch::Column::Scope,
            kill_switch::Column::ScopeId,
            kill_switch::Column::Engaged,
            kill_switch::Column::Reason,
            kill_switch::Column::LastDrillAt,
            kill_switch::Column::LastDrillMs,
        ])
        .filter(kill_switch::Column::TenantId.eq(space.tenant_id.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(kill_switch::Column::SpaceId.eq(space.id.as_str()))
                .add(kill_switch::Column::Scope.eq("tenant")),
        )
        .into_tuple()
        .all(db)
        .await?;
    let triggered: BTreeSet<String> = switch_trigger::Entity::find()
        .select_only()
        .column(switch_trigger::Column::SwitchId)
        .filter(switch_trigger::Column::TenantId.eq(space.tenant_id.as_str()))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let deciders = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(space.tenant_id.as_str()))
        .filter(membership::Column::Role.is_in(["owner", "admin", "reviewer"]))
        .filter(
            membership::Column::UserId.in_subquery(
                Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::Disabled.eq(false))
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    let oldest_waiting = oldest_waiting(db, &space.id, at).await?;
    let active_weeks = active_weeks(db, &space.id, only, at).await?;

    // Per capability: its actions, and which are risky.
    let mut by_capability: HashMap<&str, Vec<&capability_action::Model>> = HashMap::new();
    for a in &actions {
        by_capability
            .entry(a.capability_id.as_str())
            .or_default()
            .push(a);
    }
    // Grants repeat a handful of environment lists: parse each distinct one once.
    let mut parsed: HashMap<String, Vec<String>> = HashMap::new();
    let mut grants_of: HashMap<String, Vec<GrantRow>> = HashMap::new();
    stored::each_in_space(db, &space.id, only, |g| {
        let Some(cap) = capabilities.get(&g.capability_id) else {
            return;
        };
        let covered = by_capability
            .get(cap.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let action = g.action.as_str();
        let risky = covered
            .iter()
            .any(|a| (action.is_empty() || a.name == action) && is_risky(a));
        let environments = match parsed.get(&g.environments) {
            Some(list) => list.clone(),
            None => {
                let list: Vec<String> = serde_json::from_str(&g.environments).unwrap_or_default();
                parsed.insert(g.environments, list.clone());
                list
            }
        };
        let access = g.access.as_str();
        let label = if action.is_empty() {
            format!("{access} · {}", cap.name)
        } else {
            format!("{access} · {} › {action}", cap.name)
        };
        grants_of.entry(g.persona_id).or_default().push(GrantRow {
            fact: GrantFact {
                label,
                capability_key: cap.key.clone(),
                external: cap.source == "external",
                environments,
                min_stage: u8::try_from(g.min_stage).unwrap_or(1),
                exposes: access != "denied",
            },
            builtin: (cap.source == "builtin" && cap.enabled).then(|| cap.key.clone()),
            access: Access::parse(access).unwrap_or(Access::Denied),
            risky,
        });
    })
    .await?;
    let persona_switch: HashMap<&str, &SwitchRow> = switches
        .iter()
        .filter(|s| s.1 == "persona")
        .map(|s| (s.2.as_str(), s))
        .collect();
    let engaged_switch = switches
        .iter()
        .find(|(_, scope, _, engaged, ..)| *engaged && scope != "persona")
        .map(|(_, scope, _, _, reason, ..)| {
            format!("The {scope} kill-switch is engaged: {reason}")
        });

    let mut enabled_builtins: Vec<String> = Vec::new();
    let mut external_systems: Vec<(String, usize)> = Vec::new();
    for c in capabilities.values().filter(|c| c.enabled) {
        if c.source == "external" {
            let n = by_capability.get(c.id.as_str()).map_or(0, Vec::len);
            external_systems.push((c.name.clone(), n));
        } else {
            enabled_builtins.push(c.name.clone());
        }
    }
    enabled_builtins.sort();
    external_systems.sort();

    Ok(SpaceFacts {
        space_id: space.id.clone(),
        enabled_builtins,
        external_systems,
        limits: limits::load(db, &space.id).await?,
        engaged_switch,
        deciders: u32::try_from(deciders).unwrap_or(u32::MAX),
        oldest_waiting,
        active_weeks,
        personas: personas
            .into_iter()
            .map(|(id, name, stage, role, on_call, continuity)| {
                let switch = persona_switch.get(id.as_str()).map(
                    |(switch_id, _, _, engaged, _, drill_at, drill_ms)| SwitchFacts {
                        engaged: *engaged,
                        last_drill_at: *drill_at,
                        last_drill_ms: *drill_ms,
                        has_trigger: triggered.contains(switch_id),
                    },
                );
                PersonaFacts {
                    grants: grants_of.remove(&id).unwrap_or_default(),
                    stage: u8::try_from(stage).unwrap_or(1),
                    on_call: on_call.is_some(),
                    continuity: continuity_from_db(&continuity),
                    switch: switch.unwrap_or_default(),
                    role,
                    name,
                    id,
                }
            })
            .collect(),
    })
}

/// The oldest thing of the space waiting for a reviewer: a promotion, a release request
/// or a runtime action (those expire after a day on their own).
async fn oldest_waiting(
    db: &impl ConnectionTrait,
    space_id: &str,
    at: time::OffsetDateTime,
) -> Result<Option<time::OffsetDateTime>, AppError> {
    let promotion = promotion::Entity::find()
        .select_only()
        .column(promotion::Column::RequestedAt)
        .filter(promotion::Column::SpaceId.eq(space_id))
        .filter(promotion::Column::State.eq("pending"))
        .order_by_asc(promotion::Column::RequestedAt)
        .into_tuple::<time::OffsetDateTime>()
        .one(db)
        .await?;
    let release = switch_release::Entity::find()
        .select_only()
        .column(switch_release::Column::RequestedAt)
        .filter(switch_release::Column::SpaceId.eq(space_id))
        .filter(switch_release::Column::State.eq("pending"))
        .order_by_asc(switch_release::Column::RequestedAt)
        .into_tuple::<time::OffsetDateTime>()
        .one(db)
        .await?;
    let action = approval::Entity::find()
        .select_only()
        .column(approval::Column::CreatedAt)
        .filter(approval::Column::SpaceId.eq(space_id))
        .filter(approval::Column::State.eq("pending"))
        .filter(approval::Column::ExpiresAt.gt(at))
        .order_by_asc(approval::Column::CreatedAt)
        .into_tuple::<time::OffsetDateTime>()
        .one(db)
        .await?;
    Ok([promotion, release, action].into_iter().flatten().min())
}

/// For each persona of the space with runtime decisions in the last four weeks, in how
/// many of those weeks: one query a week, of distinct persona ids.
pub async fn active_weeks_by_persona(
    db: &impl ConnectionTrait,
    space_id: &str,
    at: time::OffsetDateTime,
) -> Result<HashMap<String, u8>, AppError> {
    let mut weeks: HashMap<String, u8> = HashMap::new();
    for week in 0..4 {
        let end = at - time::Duration::weeks(week);
        let start = end - time::Duration::weeks(1);
        for persona_id in decision::Entity::find()
            .select_only()
            .column(decision::Column::PersonaId)
            .distinct()
            .filter(decision::Column::SpaceId.eq(space_id))
            .filter(decision::Column::DecidedAt.gt(start))
            .filter(decision::Column::DecidedAt.lte(end))
            .into_tuple::<String>()
            .all(db)
            .await?
        {
            *weeks.entry(persona_id).or_default() += 1;
        }
    }
    Ok(weeks)
}

/// How many of the last four weeks saw a runtime decision: one indexed probe a week.
pub async fn active_weeks(
    db: &impl ConnectionTrait,
    space_id: &str,
    only: Option<&str>,
    at: time::OffsetDateTime,
) -> Result<u8, AppError> {
    let mut weeks = 0;
    for week in 0..4 {
        let end = at - time::Duration::weeks(week);
        let start = end - time::Duration::weeks(1);
        let mut probe = decision::Entity::find()
            .select_only()
            .column(decision::Column::Id)
            .filter(decision::Column::SpaceId.eq(space_id))
            .filter(decision::Column::DecidedAt.gt(start))
            .filter(decision::Column::DecidedAt.lte(end));
        if let Some(id) = only {
            probe = probe.filter(decision::Column::PersonaId.eq(id));
        }
        if probe.into_tuple::<i64>().one(db).await?.is_some() {
            weeks += 1;
        }
    }
    Ok(weeks)
}
