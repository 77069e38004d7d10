use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::explain::explain;
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{capability, decision, persona, runtime_event, runtime_token};
use crate::domain::spaces::reachable;
use crate::domain::{Actor, Ctx, now, rfc3339};
use crate::types::{ActivityChoice, ActivityFilter, ActivityItem, ActivityView, SpaceId};

/// Items per page: the newest this many of each kind are read, merged, and cut again.
pub const PAGE: u64 = 100;

const OUTCOMES: [&str; 4] = ["allow", "deny", "needs_approval", "event"];

pub async fn activity(
    ctx: &Ctx,
    actor: &Actor,
    filter: &ActivityFilter,
) -> Result<ActivityView, AppError> {
    let Actor::Console(user) = actor;
    // The feed is always of one of the spaces this member reaches.
    let (access, spaces) = reachable(ctx, actor).await?;
    let chosen = match filter.space.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => spaces
            .iter()
            .find(|s| s.id == id)
            .ok_or(AppError::NotFound)?,
        None => match spaces.first() {
            Some(first) => first,
            // A tenant without spaces (or a member without any) has no activity yet.
            None => {
                return Ok(ActivityView {
                    space_id: String::new(),
                    space_name: String::new(),
                    spaces: Vec::new(),
                    personas: Vec::new(),
                    capabilities: Vec::new(),
                    items: Vec::new(),
                    truncated: false,
                });
            }
        },
    };
    let space_id = SpaceId::from_db(chosen.id.clone());
    authorize(
        actor,
        Action::ViewSpace,
        Scope::Space {
            access: &access,
            tenant: &user.tenant_id,
            space: &space_id,
        },
    )?;
    if let Some(d) = filter.decision.as_deref()
        && !d.is_empty()
        && !OUTCOMES.contains(&d)
    {
        return Err(AppError::invalid(
            "decision",
            "choose allow, deny, needs approval or event",
        ));
    }

    let personas: Vec<(String, String)> = persona::Entity::find()
        .select_only()
        .column(persona::Column::Id)
        .column(persona::Column::Name)
        .filter(persona::Column::SpaceId.eq(chosen.id.as_str()))
        .order_by_asc(persona::Column::NameFolded)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let capabilities: Vec<String> = capability::Entity::find()
        .select_only()
        .column(capability::Column::Key)
        .filter(capability::Column::SpaceId.eq(chosen.id.as_str()))
        .order_by_asc(capability::Column::Key)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let text = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let persona_filter = text(&filter.persona);
    let capability_filter = text(&filter.capability);
    let outcome = text(&filter.decision);
    let since = filter
        .hours
        .filter(|h| *h > 0)
        .map(|h| now() - time::Duration::hours(i64::from(h.min(24 * 365))));

    let decisions = if outcome.as_deref() == Some("event") {
        Vec::new()
    } else {
        let mut cond = Condition::all().add(decision::Column::SpaceId.eq(chosen.id.as_str()));
        if let Some(p) = &persona_filter {
            cond = cond.add(decision::Column::PersonaId.eq(p.as_str()));
        }
        if let Some(c) = &capability_filter {
            cond = cond.add(decision::Column::Capability.eq(c.as_str()));
        }
        if let Some(o) = &outcome {
            cond = cond.add(decision::Column::Decision.eq(o.as_str()));
        }
        if let Some(t) = since {
            cond = cond.add(decision::Column::DecidedAt.gte(t));
        }
        decision::Entity::find()
            .filter(cond)
            .order_by_desc(decision::Column::Id)
            .limit(PAGE + 1)
            .all(&ctx.db)
            .await?
    };
    let events = if outcome.as_deref().is_some_and(|o| o != "event") {
        Vec::new()
    } else {
        let mut cond = Condition::all().add(runtime_event::Column::SpaceId.eq(chosen.id.as_str()));
        if let Some(p) = &persona_filter {
            cond = cond.add(runtime_event::Column::PersonaId.eq(p.as_str()));
        }
        if let Some(c) = &capability_filter {
            cond = cond.add(runtime_event::Column::Capability.eq(c.as_str()));
        }
        if let Some(t) = since {
            cond = cond.add(runtime_event::Column::OccurredAt.gte(t));
        }
        runtime_event::Entity::find()
            .filter(cond)
            .order_by_desc(runtime_event::Column::Id)
            .limit(PAGE + 1)
            .all(&ctx.db)
            .await?
    };

    // Which runtime asked: one query for the tokens seen on this page.
    let token_ids: Vec<String> = decisions
        .iter()
        .map(|d| d.token_id.clone())
        .chain(events.iter().map(|e| e.token_id.clone()))
        .collect();
    let tokens: HashMap<String, String> = runtime_token::Entity::find()
        .select_only()
        .column(runtime_token::Column::Id)
        .column(runtime_token::Column::Name)
        .column(runtime_token::Column::Prefix)
        .filter(runtime_token::Column::Id.is_in(token_ids))
        .into_tuple::<(String, String, String)>()
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|(id, name, prefix)| (id, format!("{name} ({prefix}…)")))
        .collect();
    let names: HashMap<&str, &str> = personas
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    let name_of = |id: &str| {
        names
            .get(id)
            .copied()
            .unwrap_or("(removed persona)")
            .to_string()
    };
    let via = |id: &str| {
        tokens
            .get(id)
            .cloned()
            .unwrap_or_else(|| "a removed token".into())
    };

    let truncated = decisions.len() as u64 > PAGE || events.len() as u64 > PAGE;
    let mut items: Vec<(time::OffsetDateTime, ActivityItem)> = decisions
        .into_iter()
        .map(|d| {
            let explanation = explain(
                &d.reason,
                &d.capability,
                d.action.as_deref(),
                &d.environment,
            );
            (
                d.decided_at,
                ActivityItem {
                    key: format!("d{}", d.id),
                    at: rfc3339(d.decided_at),
                    persona_name: name_of(&d.persona_id),
                    persona_id: d.persona_id,
                    kind: "decision".into(),
                    outcome: d.decision,
                    capability: Some(d.capability),
                    action: d.action,
                    access: Some(d.access),
                    environment: Some(d.environment),
                    reason: Some(d.reason),
                    explanation,
                    via: via(&d.token_id),
                    approval_id: d.approval_id,
                },
            )
        })
        .chain(events.into_iter().map(|e| {
            (
                e.occurred_at,
                ActivityItem {
                    key: format!("e{}", e.id),
                    at: rfc3339(e.occurred_at),
                    persona_name: name_of(&e.persona_id),
                    persona_id: e.persona_id,
                    kind: "event".into(),
                    outcome: e.kind,
                    capability: e.capability,
                    action: None,
                    access: None,
                    environment: None,
                    reason: None,
                    explanation: e.summary,
                    via: via(&e.token_id),
                    approval_id: None,
                },
            )
        }))
        .collect();
    items.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.key.cmp(&a.1.key)));
    items.truncate(PAGE as usize);

    Ok(ActivityView {
        space_id: chosen.id.clone(),
        space_name: chosen.name.clone(),
        spaces: spaces
            .iter()
            .map(|s| ActivityChoice {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect(),
        personas: personas
            .into_iter()
            .map(|(id, name)| ActivityChoice { id, name })
            .collect(),
        capabilities,
        items: items.into_iter().map(|(_, item)| item).collect(),
        truncated,
    })
}

/// Whether the member may watch this space's activity live (the same rule as the page).
pub async fn may_watch(ctx: &Ctx, actor: &Actor, space_id: &SpaceId) -> Result<(), AppError> {
    crate::domain::spaces::space_for(ctx, actor, space_id, Action::ViewSpace)
        .await
        .map(|_| ())
}
