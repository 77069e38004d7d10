//! Reading the queue: set-based, a handful of queries whatever the number of items.

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

use super::{PAGE, words};
use crate::AppError;
use crate::domain::access::TenantAccess;
use crate::domain::authz::{Action, authorize_at};
use crate::domain::entities::{
    app, approval, capability, kill_switch, persona, runtime_token, space, switch_release,
};
use crate::domain::killswitch::names::{Target, scope_label, targets};
use crate::domain::killswitch::release::is_second_person;
use crate::domain::runtime::approvals::state_at;
use crate::domain::spaces::reachable;
use crate::domain::users::display_names;
use crate::domain::{Actor, Ctx, now, rfc3339};
use crate::types::{ActivityChoice, ReviewFilter, ReviewItem, ReviewQueueView, stage_name};

/// The kinds of item the queue holds today.
pub const KINDS: [&str; 3] = ["action", "release", "promotion"];

/// Waiting: pending and not yet past its expiry.
fn waiting(at: time::OffsetDateTime) -> Condition {
    Condition::all()
        .add(approval::Column::State.eq("pending"))
        .add(approval::Column::ExpiresAt.gt(at))
}

/// How many items wait in the spaces this member reaches (the navigation's count).
pub async fn pending_count(ctx: &Ctx, actor: &Actor) -> Result<u64, AppError> {
    let (access, spaces) = reachable(ctx, actor).await?;
    let ids: Vec<String> = spaces.into_iter().map(|s| s.id).collect();
    waiting_total(ctx, &access, &ids).await
}

/// Waiting items of both kinds in these spaces (and tenant-wide releases for members
/// who reach the whole tenant).
async fn waiting_total(ctx: &Ctx, access: &TenantAccess, ids: &[String]) -> Result<u64, AppError> {
    let actions = if ids.is_empty() {
        0
    } else {
        approval::Entity::find()
            .filter(approval::Column::SpaceId.is_in(ids.to_vec()))
            .filter(waiting(now()))
            .count(&ctx.db)
            .await?
    };
    let releases = switch_release::Entity::find()
        .filter(switch_release::Column::TenantId.eq(access.tenant_id.as_str()))
        .filter(switch_release::Column::State.eq("pending"))
        .filter(release_place(access, ids, true))
        .count(&ctx.db)
        .await?;
    Ok(actions + releases + super::promotions::waiting(ctx, ids).await?)
}

/// Releases in these spaces, plus tenant-wide ones when `tenant_wide` and the member
/// reaches the whole tenant.
fn release_place(access: &TenantAccess, ids: &[String], tenant_wide: bool) -> Condition {
    let mut place = Condition::any().add(switch_release::Column::SpaceId.is_in(ids.to_vec()));
    if tenant_wide && !access.restricted() {
        place = place.add(switch_release::Column::SpaceId.is_null());
    }
    place
}

pub async fn queue(
    ctx: &Ctx,
    actor: &Actor,
    filter: &ReviewFilter,
) -> Result<ReviewQueueView, AppError> {
    let Actor::Console(user) = actor;
    let (access, spaces) = reachable(ctx, actor).await?;
    let kind = filter.kind.as_deref().filter(|k| !k.is_empty());
    if let Some(k) = kind
        && !KINDS.contains(&k)
    {
        return Err(AppError::invalid(
            "kind",
            "must be action, release or promotion",
        ));
    }
    let decided = match filter.show.as_deref().filter(|s| !s.is_empty()) {
        None | Some("waiting") => false,
        Some("decided") => true,
        Some(_) => return Err(AppError::invalid("show", "must be waiting or decided")),
    };
    let chosen: Vec<&space::Model> = match filter.space.as_deref().filter(|s| !s.is_empty()) {
        // A space outside the member's reach does not exist for them.
        Some(id) => vec![
            spaces
                .iter()
                .find(|s| s.id == id)
                .ok_or(AppError::NotFound)?,
        ],
        None => spaces.iter().collect(),
    };
    let all_ids: Vec<String> = spaces.iter().map(|s| s.id.clone()).collect();
    let ids: Vec<String> = chosen.iter().map(|s| s.id.clone()).collect();
    let at = now();
    let pending_total = waiting_total(ctx, &access, &all_ids).await?;

    let mut rows = Vec::new();
    if !ids.is_empty() && kind.is_none_or(|k| k == "action") {
        let mut query = approval::Entity::find()
            .filter(approval::Column::TenantId.eq(user.tenant_id.as_str()))
            .filter(approval::Column::SpaceId.is_in(ids.clone()));
        query = if decided {
            // Decided, or expired without a decision: newest first.
            query
                .filter(waiting(at).not())
                .order_by_desc(approval::Column::CreatedAt)
        } else {
            query
                .filter(waiting(at))
                .order_by_asc(approval::Column::CreatedAt)
        };
        if let Some(hours) = filter.older_than_hours.filter(|h| *h > 0) {
            let before = at - time::Duration::hours(i64::from(hours));
            query = query.filter(approval::Column::CreatedAt.lte(before));
        }
        rows = query.limit(PAGE + 1).all(&ctx.db).await?;
    }
    let mut releases = Vec::new();
    if kind.is_none_or(|k| k == "release") {
        let mut query = switch_release::Entity::find()
            .filter(switch_release::Column::TenantId.eq(user.tenant_id.as_str()))
            .filter(release_place(&access, &ids, filter.space.is_none()));
        query = if decided {
            query
                .filter(switch_release::Column::State.ne("pending"))
                .order_by_desc(switch_release::Column::RequestedAt)
        } else {
            query
                .filter(switch_release::Column::State.eq("pending"))
                .order_by_asc(switch_release::Column::RequestedAt)
        };
        if let Some(hours) = filter.older_than_hours.filter(|h| *h > 0) {
            let before = at - time::Duration::hours(i64::from(hours));
            query = query.filter(switch_release::Column::RequestedAt.lte(before));
        }
        releases = query.limit(PAGE + 1).all(&ctx.db).await?;
    }

    let names = Names::load(ctx, &rows, &releases).await?;
    let space_names: HashMap<&str, &str> = spaces
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let may_decide = |space_id: Option<&str>| can_decide(actor, &access, space_id);
    let mut items: Vec<(time::OffsetDateTime, ReviewItem)> = rows
        .iter()
        .map(|row| {
            (
                row.created_at,
                item(
                    row,
                    &names,
                    &space_names,
                    may_decide(Some(&row.space_id)),
                    at,
                ),
            )
        })
        .chain(releases.iter().filter_map(|r| {
            let may = may_decide(r.space_id.as_deref());
            release_item(r, &names, &space_names, may, &user.user_id.to_string(), at)
                .map(|i| (r.requested_at, i))
        }))
        .collect();
    if kind.is_none_or(|k| k == "promotion") {
        let me = user.user_id.to_string();
        let q = super::promotions::Query {
            tenant_id: user.tenant_id.as_str(),
            space_ids: &ids,
            decided,
            older_than_hours: filter.older_than_hours,
            me: &me,
            at,
        };
        items.extend(
            super::promotions::items(ctx, &q, &space_names, |space| may_decide(Some(space)))
                .await?,
        );
    }
    // Waiting: oldest first; decided: newest first.
    items.sort_by(|a, b| {
        if decided {
            b.0.cmp(&a.0)
        } else {
            a.0.cmp(&b.0)
        }
    });
    let truncated = items.len() as u64 > PAGE;
    items.truncate(PAGE as usize);
    let items = items.into_iter().map(|(_, i)| i).collect();
    Ok(ReviewQueueView {
        items,
        spaces: spaces
            .iter()
            .map(|s| ActivityChoice {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect(),
        pending_total,
        truncated,
    })
}

fn can_decide(actor: &Actor, access: &TenantAccess, space_id: Option<&str>) -> bool {
    authorize_at(actor, Action::DecideReview, access, space_id).is_ok()
}

/// Names for the ids the rows carry, one query per kind of thing.
struct Names {
    personas: HashMap<String, persona::Model>,
    capabilities: HashMap<(String, String), String>,
    apps: HashMap<String, String>,
    tokens: HashMap<String, (String, String)>,
    users: HashMap<String, String>,
    switches: HashMap<String, kill_switch::Model>,
    targets: HashMap<String, Target>,
}

impl Names {
    async fn load(
        ctx: &Ctx,
        rows: &[approval::Model],
        releases: &[switch_release::Model],
    ) -> Result<Self, AppError> {
        let collect = |f: fn(&approval::Model) -> Option<&String>| -> Vec<String> {
            let mut v: Vec<String> = rows.iter().filter_map(f).cloned().collect();
            v.sort();
            v.dedup();
            v
        };
        let persona_ids = collect(|r| Some(&r.persona_id));
        let space_ids = collect(|r| Some(&r.space_id));
        let app_ids = collect(|r| r.app_id.as_ref());
        let token_ids = collect(|r| r.token_id.as_ref());
        let switch_ids: Vec<String> = releases.iter().map(|r| r.switch_id.clone()).collect();
        let switches: HashMap<String, kill_switch::Model> = kill_switch::Entity::find()
            .filter(kill_switch::Column::Id.is_in(switch_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let refs: Vec<&kill_switch::Model> = switches.values().collect();
        let targets = targets(&ctx.db, &refs).await?;
        let mut user_ids = collect(|r| r.decided_by.as_ref());
        user_ids.extend(
            releases
                .iter()
                .flat_map(|r| [Some(r.requested_by.clone()), r.decided_by.clone()])
                .flatten(),
        );
        user_ids.extend(switches.values().filter_map(|s| s.engaged_by.clone()));
        let personas = persona::Entity::find()
            .filter(persona::Column::Id.is_in(persona_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect();
        let capabilities = capability::Entity::find()
            .filter(capability::Column::SpaceId.is_in(space_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|c| ((c.space_id, c.key), c.name))
            .collect();
        let apps = app::Entity::find()
            .filter(app::Column::Id.is_in(app_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let tokens = runtime_token::Entity::find()
            .filter(runtime_token::Column::Id.is_in(token_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|t| (t.id, (t.name, t.prefix)))
            .collect();
        let users = display_names(&ctx.db, user_ids).await?;
        Ok(Self {
            personas,
            capabilities,
            apps,
            tokens,
            users,
            switches,
            targets,
        })
    }

    fn person(&self, id: &str) -> String {
        self.users
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

fn item(
    row: &approval::Model,
    names: &Names,
    space_names: &HashMap<&str, &str>,
    can_decide: bool,
    at: time::OffsetDateTime,
) -> ReviewItem {
    let state = state_at(row, at).to_string();
    let persona = names.personas.get(&row.persona_id);
    let capability = names
        .capabilities
        .get(&(row.space_id.clone(), row.capability.clone()))
        .map(|name| format!("{name} ({})", row.capability))
        .unwrap_or_else(|| row.capability.clone());
    let asked_by = match row.token_id.as_ref().and_then(|t| names.tokens.get(t)) {
        Some((name, prefix)) => format!("Runtime token “{name}” ({prefix}…)"),
        None => "A runtime (its token was deleted)".into(),
    };
    let mut evidence = vec![format!(
        "The grant for this is set to “needs human approval”: the runtime may go ahead only if it is approved."
    )];
    if let Some(p) = persona {
        evidence.push(format!(
            "{} is at stage {} · {}.",
            p.name,
            p.stage,
            stage_name(u8::try_from(p.stage).unwrap_or(0))
        ));
    }
    if let Some(app_id) = &row.app_id {
        let app = names
            .apps
            .get(app_id)
            .map_or(app_id.as_str(), String::as_str);
        evidence.push(format!("Asked through the app {app}."));
    }
    // A waiting item's age grows; a decided one's stops when it was decided (or expired).
    let ended = row.decided_at.unwrap_or(if state == "expired" {
        row.expires_at
    } else {
        at
    });
    ReviewItem {
        id: row.id.clone(),
        kind: "action".into(),
        kind_label: "Runtime action".into(),
        space_id: row.space_id.clone(),
        space_name: space_names
            .get(row.space_id.as_str())
            .map_or_else(String::new, |s| (*s).to_string()),
        about: persona.map_or_else(|| row.persona_id.clone(), |p| p.name.clone()),
        about_href: Some(format!("/personas/{}", row.persona_id)),
        before: String::new(),
        after: "wants to".into(),
        subject: words::subject(
            &row.access,
            &capability,
            row.action.as_deref(),
            &row.environment,
        ),
        asked_by,
        asked_at: rfc3339(row.created_at),
        age: words::age(ended - row.created_at),
        expires_at: (state == "pending").then(|| rfc3339(row.expires_at)),
        summary: row.summary.clone(),
        evidence,
        can_decide: can_decide && state == "pending",
        decided_by: row
            .decided_by
            .as_ref()
            .map(|u| names.users.get(u).cloned().unwrap_or_else(|| u.clone())),
        decided_at: row.decided_at.map(rfc3339),
        comment: row.comment.clone(),
        state,
        gates: Vec::new(),
        approvals: None,
        attestations: Vec::new(),
    }
}

/// A release request as a queue item; `None` if its switch is gone.
fn release_item(
    row: &switch_release::Model,
    names: &Names,
    space_names: &HashMap<&str, &str>,
    may_decide: bool,
    me: &str,
    at: time::OffsetDateTime,
) -> Option<ReviewItem> {
    let switch = names.switches.get(&row.switch_id)?;
    let target = names.targets.get(&switch.id)?;
    let engaged_by = switch.engaged_by.as_deref().map(|u| names.person(u));
    let mut evidence = vec![match (&engaged_by, switch.engaged_at) {
        (Some(by), Some(at)) => format!(
            "Engaged by {by} at {}: “{}”.",
            words::when(at),
            switch.reason
        ),
        _ => format!("Engaged: “{}”.", switch.reason),
    }];
    evidence.push(if switch.engaged {
        "It still holds: every decision it covers is denied until it is released.".into()
    } else {
        "It is no longer engaged.".into()
    });
    evidence.push(
        "A second person decides: not whoever engaged it, nor whoever asked for the release."
            .into(),
    );
    let second_person = is_second_person(switch, row, me);
    let ended = row.decided_at.unwrap_or(at);
    Some(ReviewItem {
        id: row.id.clone(),
        kind: "release".into(),
        kind_label: "Kill-switch release".into(),
        space_id: row.space_id.clone().unwrap_or_default(),
        space_name: row
            .space_id
            .as_deref()
            .and_then(|s| space_names.get(s))
            .map_or_else(|| "Whole tenant".to_string(), |s| (*s).to_string()),
        about: target.name.clone(),
        about_href: target.href.clone(),
        before: format!(
            "Release the {} switch on",
            scope_label(&switch.scope).to_lowercase()
        ),
        after: String::new(),
        subject: String::new(),
        asked_by: names.person(&row.requested_by),
        asked_at: rfc3339(row.requested_at),
        age: words::age(ended - row.requested_at),
        expires_at: None,
        summary: row.reason.clone(),
        evidence,
        can_decide: may_decide && second_person && row.state == "pending",
        decided_by: row.decided_by.as_deref().map(|u| names.person(u)),
        decided_at: row.decided_at.map(rfc3339),
        comment: row.comment.clone(),
        state: row.state.clone(),
        gates: Vec::new(),
        approvals: None,
        attestations: Vec::new(),
    })
}
