//! The kill-switch page's data: every switch the member reaches, engaged ones first, and
//! what they may stop (the engage form's choices).

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use super::names::{scope_label, targets};
use crate::AppError;
use crate::domain::access::TenantAccess;
use crate::domain::authz::{Action, authorize_at};
use crate::domain::entities::{
    app, capability, kill_switch, persona, switch_release, switch_trigger,
};
use crate::domain::spaces::reachable;
use crate::domain::users::display_names;
use crate::domain::{Actor, Ctx, rfc3339};
use crate::types::{KillSwitchesView, SwitchChoice, SwitchView};

fn allowed(actor: &Actor, access: &TenantAccess, space: Option<&str>, action: Action) -> bool {
    authorize_at(actor, action, access, space).is_ok()
}

/// The engaged switches this member can see, by name ("Persona Otto"): the console-wide
/// banner. Two queries plus one per level named.
pub async fn engaged_names(ctx: &Ctx, actor: &Actor) -> Result<Vec<String>, AppError> {
    let Actor::Console(user) = actor;
    let (access, spaces) = reachable(ctx, actor).await?;
    let space_ids: Vec<String> = spaces.iter().map(|s| s.id.clone()).collect();
    let mut place = Condition::any().add(kill_switch::Column::SpaceId.is_in(space_ids));
    if !access.restricted() {
        place = place.add(kill_switch::Column::SpaceId.is_null());
    }
    let rows = kill_switch::Entity::find()
        .filter(kill_switch::Column::TenantId.eq(user.tenant_id.as_str()))
        .filter(kill_switch::Column::Engaged.eq(true))
        .filter(place)
        .order_by_asc(kill_switch::Column::EngagedAt)
        .all(&ctx.db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let refs: Vec<&kill_switch::Model> = rows.iter().collect();
    let names = targets(&ctx.db, &refs).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let name = names
                .get(&r.id)
                .map_or(r.scope_id.as_str(), |t| t.name.as_str());
            format!("{} {name}", scope_label(&r.scope))
        })
        .collect())
}

pub async fn switches(ctx: &Ctx, actor: &Actor) -> Result<KillSwitchesView, AppError> {
    let Actor::Console(user) = actor;
    let (access, spaces) = reachable(ctx, actor).await?;
    let space_ids: Vec<String> = spaces.iter().map(|s| s.id.clone()).collect();
    let space_names: HashMap<&str, &str> = spaces
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    // Tenant-wide switches show only to members who reach the whole tenant.
    let mut place = Condition::any().add(kill_switch::Column::SpaceId.is_in(space_ids.clone()));
    if !access.restricted() {
        place = place.add(kill_switch::Column::SpaceId.is_null());
    }
    let rows = kill_switch::Entity::find()
        .filter(kill_switch::Column::TenantId.eq(user.tenant_id.as_str()))
        .filter(place)
        .order_by_desc(kill_switch::Column::Engaged)
        .order_by_desc(kill_switch::Column::EngagedAt)
        .all(&ctx.db)
        .await?;
    let refs: Vec<&kill_switch::Model> = rows.iter().collect();
    let names = targets(&ctx.db, &refs).await?;
    let waiting: HashMap<String, String> = switch_release::Entity::find()
        .filter(switch_release::Column::TenantId.eq(user.tenant_id.as_str()))
        .filter(switch_release::Column::State.eq("pending"))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| (r.switch_id, r.requested_by))
        .collect();
    let triggers: HashMap<String, switch_trigger::Model> = switch_trigger::Entity::find()
        .filter(switch_trigger::Column::TenantId.eq(user.tenant_id.as_str()))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|t| (t.switch_id.clone(), t))
        .collect();
    let user_ids: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                r.engaged_by.clone(),
                r.released_by.clone(),
                r.last_drill_by.clone(),
            ]
        })
        .flatten()
        .chain(waiting.values().cloned())
        .collect();
    let people = display_names(&ctx.db, user_ids).await?;
    let name = |id: &Option<String>| {
        id.as_ref()
            .map(|i| people.get(i).cloned().unwrap_or_else(|| i.clone()))
    };
    let switches = rows
        .iter()
        .map(|row| {
            let target = &names[&row.id];
            let space = row.space_id.as_deref();
            let release_requested_by = waiting
                .get(&row.id)
                .map(|u| people.get(u).cloned().unwrap_or_else(|| u.clone()));
            SwitchView {
                id: row.id.clone(),
                scope: row.scope.clone(),
                scope_label: scope_label(&row.scope).into(),
                target: format!("{}:{}", row.scope, row.scope_id),
                target_name: target.name.clone(),
                space_name: space
                    .and_then(|s| space_names.get(s))
                    .map_or_else(String::new, |s| (*s).to_string()),
                engaged: row.engaged,
                reason: row.reason.clone(),
                engaged_by: name(&row.engaged_by),
                engaged_at: row.engaged_at.map(rfc3339),
                released_by: name(&row.released_by),
                released_at: row.released_at.map(rfc3339),
                last_drill_at: row.last_drill_at.map(rfc3339),
                last_drill_by: name(&row.last_drill_by),
                last_drill_ms: row.last_drill_ms,
                can_request_release: row.engaged
                    && release_requested_by.is_none()
                    && allowed(actor, &access, space, Action::EngageKillSwitch),
                can_break_glass: row.engaged && allowed(actor, &access, space, Action::BreakGlass),
                can_drill: !row.engaged && allowed(actor, &access, space, Action::EngageKillSwitch),
                trigger_prefix: triggers.get(&row.id).map(|t| t.prefix.clone()),
                trigger_fired_at: triggers
                    .get(&row.id)
                    .and_then(|t| t.last_fired_at)
                    .map(rfc3339),
                can_manage_trigger: allowed(actor, &access, space, Action::EngageKillSwitch),
                release_requested_by,
            }
        })
        .collect();

    // What this member may stop, grouped by place.
    let mut choices = Vec::new();
    if allowed(actor, &access, None, Action::EngageKillSwitch) {
        choices.push(SwitchChoice {
            value: format!("tenant:{}", user.tenant_id),
            label: format!("The whole tenant ({})", user.tenant_name),
            group: "Tenant".into(),
        });
    }
    let mine: Vec<&str> = spaces
        .iter()
        .map(|s| s.id.as_str())
        .filter(|s| allowed(actor, &access, Some(s), Action::EngageKillSwitch))
        .collect();
    if !mine.is_empty() {
        let apps = app::Entity::find()
            .filter(app::Column::SpaceId.is_in(mine.clone()))
            .order_by_asc(app::Column::Name)
            .all(&ctx.db)
            .await?;
        let personas = persona::Entity::find()
            .filter(persona::Column::SpaceId.is_in(mine.clone()))
            .order_by_asc(persona::Column::Name)
            .all(&ctx.db)
            .await?;
        let capabilities = capability::Entity::find()
            .filter(capability::Column::SpaceId.is_in(mine.clone()))
            .filter(capability::Column::Enabled.eq(true))
            .order_by_asc(capability::Column::Name)
            .all(&ctx.db)
            .await?;
        for space in &spaces {
            if !mine.contains(&space.id.as_str()) {
                continue;
            }
            let group = format!("Space {}", space.name);
            let mut push = |scope: &str, id: &str, label: String| {
                choices.push(SwitchChoice {
                    value: format!("{scope}:{id}"),
                    label,
                    group: group.clone(),
                });
            };
            push(
                "space",
                &space.id,
                format!("The whole space {}", space.name),
            );
            for p in personas.iter().filter(|p| p.space_id == space.id) {
                push("persona", &p.id, format!("Persona {}", p.name));
            }
            for a in apps.iter().filter(|a| a.space_id == space.id) {
                push("app", &a.id, format!("App {}", a.name));
            }
            for c in capabilities.iter().filter(|c| c.space_id == space.id) {
                push(
                    "capability",
                    &c.id,
                    format!("Capability {} ({})", c.name, c.key),
                );
            }
        }
    }
    Ok(KillSwitchesView { switches, choices })
}
