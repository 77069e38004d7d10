//! The rollout board: every persona of a space as a card in its stage's column, with a
//! waiting promotion, an engaged switch and the next stage's gates at a glance, and two
//! charts (personas per stage over 30 days, decisions per day over 14). Set-based: a
//! fixed number of queries whatever the number of personas.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::{charts, gates, limits};
use crate::AppError;
use crate::domain::entities::{decision, kill_switch, persona, promotion, promotion_approval};
use crate::domain::spaces::reachable;
use crate::domain::{Actor, Ctx, now};
use crate::types::{
    ActivityChoice, BoardCard, BoardColumn, ChartView, RolloutBoardView, stage_name,
};

const STAGE_DAYS: i64 = 30;
const DECISION_DAYS: i64 = 14;

fn day_label(t: time::OffsetDateTime) -> String {
    let month = &t.month().to_string()[..3];
    format!("{month} {}", t.day())
}

/// The stage a persona was at, at `t`: its current stage, undone by every later change.
pub fn stage_at(
    current: u8,
    changes: &[(time::OffsetDateTime, u8)],
    t: time::OffsetDateTime,
) -> u8 {
    // `changes`: (when, from_stage), oldest first; the first one after `t` says where it was.
    changes
        .iter()
        .find(|(at, _)| *at > t)
        .map_or(current, |(_, from)| *from)
}

pub async fn board(
    ctx: &Ctx,
    actor: &Actor,
    space: Option<&str>,
) -> Result<RolloutBoardView, AppError> {
    let (_, spaces) = reachable(ctx, actor).await?;
    if spaces.is_empty() && space.is_none_or(str::is_empty) {
        let empty = || charts::lines("", String::new(), &[], &[], &charts::STAGE_COLORS);
        return Ok(RolloutBoardView {
            spaces: Vec::new(),
            space_id: String::new(),
            space_name: String::new(),
            columns: Vec::new(),
            space_stops: Vec::new(),
            stages_chart: empty()?,
            decisions_chart: empty()?,
        });
    }
    let chosen = match space.filter(|s| !s.is_empty()) {
        // A space outside the member's reach does not exist for them.
        Some(id) => spaces
            .iter()
            .find(|s| s.id == id)
            .ok_or(AppError::NotFound)?,
        None => spaces.first().ok_or(AppError::NotFound)?,
    };
    let at = now();
    let personas = persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(chosen.id.as_str()))
        .order_by_asc(persona::Column::NameFolded)
        .all(&ctx.db)
        .await?;
    let all_limits = limits::load(&ctx.db, &chosen.id).await?;
    let facts = gates::facts_for(&ctx.db, &chosen.id, &personas, at).await?;

    // Only what the board shows: waiting requests, and the changes inside the stage
    // chart's window (a change before it cannot alter any day the chart draws).
    let window_start = at - time::Duration::days(STAGE_DAYS);
    let requests = promotion::Entity::find()
        .filter(promotion::Column::SpaceId.eq(chosen.id.as_str()))
        .filter(
            Condition::any()
                .add(promotion::Column::State.eq("pending"))
                .add(promotion::Column::DecidedAt.gt(window_start)),
        )
        .order_by_asc(promotion::Column::RequestedAt)
        .all(&ctx.db)
        .await?;
    let pending: HashMap<&str, &promotion::Model> = requests
        .iter()
        .filter(|r| r.state == "pending")
        .map(|r| (r.persona_id.as_str(), r))
        .collect();
    let mut approvals: HashMap<String, usize> = HashMap::new();
    for id in promotion_approval::Entity::find()
        .select_only()
        .column(promotion_approval::Column::PromotionId)
        .filter(
            promotion_approval::Column::PromotionId.is_in(pending.values().map(|r| r.id.clone())),
        )
        .into_tuple::<String>()
        .all(&ctx.db)
        .await?
    {
        *approvals.entry(id).or_default() += 1;
    }
    let engaged = kill_switch::Entity::find()
        .filter(kill_switch::Column::TenantId.eq(chosen.tenant_id.as_str()))
        .filter(kill_switch::Column::Engaged.eq(true))
        .all(&ctx.db)
        .await?;
    let space_stops: Vec<String> = engaged
        .iter()
        .filter_map(|s| match s.scope.as_str() {
            "tenant" => Some(format!("The whole tenant is stopped: “{}”", s.reason)),
            "space" if s.scope_id == chosen.id => {
                Some(format!("This space is stopped: “{}”", s.reason))
            }
            _ => None,
        })
        .collect();

    let mut columns: Vec<BoardColumn> = limits::STAGES
        .iter()
        .map(|&stage| BoardColumn {
            stage,
            stage_name: stage_name(stage).to_string(),
            cards: Vec::new(),
        })
        .collect();
    for p in &personas {
        let stage = u8::try_from(p.stage).unwrap_or(1).clamp(1, 4);
        let f = facts.get(&p.id).cloned().unwrap_or_default();
        let checked = if stage < 4 {
            gates::evaluate(&f, &limits::of(&all_limits, stage + 1), at)
        } else {
            Vec::new()
        };
        let waiting = pending.get(p.id.as_str()).map(|r| {
            let required =
                limits::of(&all_limits, u8::try_from(r.to_stage).unwrap_or(2)).approvals_required;
            // Approvals given; whether each still counts is the queue's to say.
            format!(
                "Waiting: to stage {} · {} of {required} approvals given",
                r.to_stage,
                approvals.get(&r.id).copied().unwrap_or(0)
            )
        });
        let stopped = engaged
            .iter()
            .any(|s| s.scope == "persona" && s.scope_id == p.id);
        columns[usize::from(stage - 1)].cards.push(BoardCard {
            persona_id: p.id.clone(),
            name: p.name.clone(),
            on_call: f.on_call.clone(),
            pending: waiting,
            stopped_by: stopped.then(|| "Its kill-switch is engaged".to_string()),
            gates_passed: u8::try_from(checked.iter().filter(|g| g.passed).count()).unwrap_or(0),
            gates_total: u8::try_from(checked.len()).unwrap_or(0),
            failing_gates: checked
                .iter()
                .filter(|g| !g.passed)
                .map(|g| g.label.clone())
                .collect(),
        });
    }

    let stages_chart = stages_chart(&personas, &requests, at)?;
    let decisions_chart = decisions_chart(ctx, &chosen.id, at).await?;
    Ok(RolloutBoardView {
        spaces: spaces
            .iter()
            .map(|s| ActivityChoice {
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect(),
        space_id: chosen.id.clone(),
        space_name: chosen.name.clone(),
        columns,
        space_stops,
        stages_chart,
        decisions_chart,
    })
}

fn stages_chart(
    personas: &[persona::Model],
    requests: &[promotion::Model],
    at: time::OffsetDateTime,
) -> Result<ChartView, AppError> {
    let mut changes: HashMap<&str, Vec<(time::OffsetDateTime, u8)>> = HashMap::new();
    for r in requests
        .iter()
        .filter(|r| matches!(r.state.as_str(), "approved" | "break_glass" | "demoted"))
    {
        if let Some(when) = r.decided_at {
            changes
                .entry(r.persona_id.as_str())
                .or_default()
                .push((when, u8::try_from(r.from_stage).unwrap_or(1)));
        }
    }
    for list in changes.values_mut() {
        list.sort_by_key(|(when, _)| *when);
    }
    let days: Vec<time::OffsetDateTime> = (0..STAGE_DAYS)
        .rev()
        .map(|back| at - time::Duration::days(back))
        .collect();
    let mut series: Vec<(String, Vec<u64>)> = limits::STAGES
        .iter()
        .map(|s| {
            (
                format!("Stage {s} · {}", stage_name(*s)),
                vec![0; days.len()],
            )
        })
        .collect();
    for (i, day) in days.iter().enumerate() {
        for p in personas.iter().filter(|p| p.created_at <= *day) {
            let current = u8::try_from(p.stage).unwrap_or(1);
            let list = changes.get(p.id.as_str()).map_or(&[][..], Vec::as_slice);
            let stage = stage_at(current, list, *day).clamp(1, 4);
            series[usize::from(stage - 1)].1[i] += 1;
        }
    }
    let now_counts: Vec<String> = series
        .iter()
        .map(|(name, v)| format!("{} at {name}", v.last().copied().unwrap_or(0)))
        .collect();
    charts::lines(
        "Personas per stage, last 30 days",
        format!(
            "How many of the space's personas were at each stage on each of the last 30 days. Today: {}.",
            now_counts.join(", ")
        ),
        &days.iter().map(|d| day_label(*d)).collect::<Vec<_>>(),
        &series,
        &charts::STAGE_COLORS,
    )
}

async fn decisions_chart(
    ctx: &Ctx,
    space_id: &str,
    at: time::OffsetDateTime,
) -> Result<ChartView, AppError> {
    let today = at.replace_time(time::Time::MIDNIGHT);
    let starts: Vec<time::OffsetDateTime> = (0..DECISION_DAYS)
        .rev()
        .map(|back| today - time::Duration::days(back))
        .collect();
    let outcomes = [
        ("allow", "Allowed"),
        ("deny", "Denied"),
        ("needs_approval", "Needs approval"),
    ];
    let mut series: Vec<(String, Vec<u64>)> = outcomes
        .iter()
        .map(|(_, label)| ((*label).to_string(), vec![0; starts.len()]))
        .collect();
    // One grouped count per day, each an index range over (space, time).
    for (i, start) in starts.iter().enumerate() {
        let counts: Vec<(String, i64)> = decision::Entity::find()
            .select_only()
            .column(decision::Column::Decision)
            .column_as(decision::Column::Id.count(), "n")
            .filter(decision::Column::SpaceId.eq(space_id))
            .filter(decision::Column::DecidedAt.gte(*start))
            .filter(decision::Column::DecidedAt.lt(*start + time::Duration::days(1)))
            .group_by(decision::Column::Decision)
            .into_tuple()
            .all(&ctx.db)
            .await?;
        for (outcome, n) in counts {
            if let Some(k) = outcomes.iter().position(|(key, _)| *key == outcome) {
                series[k].1[i] = u64::try_from(n).unwrap_or(0);
            }
        }
    }
    let totals: Vec<String> = series
        .iter()
        .map(|(name, v)| format!("{} {}", v.iter().sum::<u64>(), name.to_lowercase()))
        .collect();
    charts::stacked_bars(
        "Decisions per day, last 14 days",
        format!(
            "Runtime decisions in this space each day (UTC), by outcome. Over the 14 days: {}.",
            totals.join(", ")
        ),
        &starts.iter().map(|d| day_label(*d)).collect::<Vec<_>>(),
        &series,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_at_a_time_undoes_later_changes() {
        let day = |d: i64| time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(d);
        // Promoted 1→2 on day 10, 2→3 on day 20, demoted 3→1 on day 25: now at 1.
        let changes = [(day(10), 1), (day(20), 2), (day(25), 3)];
        assert_eq!(stage_at(1, &changes, day(5)), 1);
        assert_eq!(stage_at(1, &changes, day(15)), 2);
        assert_eq!(stage_at(1, &changes, day(22)), 3);
        assert_eq!(stage_at(1, &changes, day(30)), 1);
        assert_eq!(stage_at(2, &[], day(1)), 2);
    }
}
