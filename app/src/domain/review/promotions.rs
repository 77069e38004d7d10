//! Promotion requests as review-queue items: the gates checked as the page is built,
//! what the promotion would make active, the attestations, and the approvals so far
//! (saying which no longer count, and why).

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::{PAGE, words};
use crate::AppError;
use crate::domain::entities::{persona, promotion, promotion_approval};
use crate::domain::rollout::decide::basis_for;
use crate::domain::rollout::limits::Limits;
use crate::domain::rollout::view::{names, promotion_view};
use crate::domain::rollout::{exposure, gates, limits, parse_attestations, void_reason};
use crate::domain::{Ctx, rfc3339};
use crate::types::{ReviewItem, stage_name};

/// Waiting promotion requests in these spaces.
pub async fn waiting(ctx: &Ctx, space_ids: &[String]) -> Result<u64, AppError> {
    if space_ids.is_empty() {
        return Ok(0);
    }
    Ok(promotion::Entity::find()
        .filter(promotion::Column::SpaceId.is_in(space_ids.to_vec()))
        .filter(promotion::Column::State.eq("pending"))
        .count(&ctx.db)
        .await?)
}

pub struct Query<'a> {
    pub tenant_id: &'a str,
    pub space_ids: &'a [String],
    pub decided: bool,
    pub older_than_hours: Option<u32>,
    pub me: &'a str,
    pub at: time::OffsetDateTime,
}

/// The queue's promotion items, with the time they sort by.
pub async fn items(
    ctx: &Ctx,
    q: &Query<'_>,
    space_names: &HashMap<&str, &str>,
    may_decide: impl Fn(&str) -> bool,
) -> Result<Vec<(time::OffsetDateTime, ReviewItem)>, AppError> {
    if q.space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = promotion::Entity::find()
        .filter(promotion::Column::TenantId.eq(q.tenant_id))
        .filter(promotion::Column::SpaceId.is_in(q.space_ids.to_vec()))
        // Break glass and demotions are stage changes, not requests anyone decides.
        .filter(promotion::Column::State.is_not_in(["break_glass", "demoted"]));
    query = if q.decided {
        query
            .filter(promotion::Column::State.ne("pending"))
            .order_by_desc(promotion::Column::RequestedAt)
    } else {
        query
            .filter(promotion::Column::State.eq("pending"))
            .order_by_asc(promotion::Column::RequestedAt)
    };
    if let Some(hours) = q.older_than_hours.filter(|h| *h > 0) {
        let before = q.at - time::Duration::hours(i64::from(hours));
        query = query.filter(promotion::Column::RequestedAt.lte(before));
    }
    let rows = query.limit(PAGE + 1).all(&ctx.db).await?;
    let approvals = promotion_approval::Entity::find()
        .filter(promotion_approval::Column::PromotionId.is_in(rows.iter().map(|r| r.id.clone())))
        .order_by_asc(promotion_approval::Column::ApprovedAt)
        .all(&ctx.db)
        .await?;
    let people = names(&ctx.db, &rows, &approvals).await?;
    let personas: HashMap<String, persona::Model> = persona::Entity::find()
        .filter(persona::Column::Id.is_in(rows.iter().map(|r| r.persona_id.clone())))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    // Per space, once for all its items: the stage limits, and the gate facts of the
    // personas waiting there (set-based, as on the rollout board).
    let mut space_limits: HashMap<&str, Vec<Limits>> = HashMap::new();
    let mut gate_facts: HashMap<String, gates::Facts> = HashMap::new();
    for space_id in rows.iter().map(|r| r.space_id.as_str()) {
        if space_limits.contains_key(space_id) {
            continue;
        }
        space_limits.insert(space_id, limits::load(&ctx.db, space_id).await?);
        let waiting: Vec<persona::Model> = rows
            .iter()
            .filter(|r| r.space_id == space_id && r.state == "pending")
            .filter_map(|r| personas.get(&r.persona_id).cloned())
            .collect();
        if !waiting.is_empty() {
            gate_facts.extend(gates::facts_for(&ctx.db, space_id, &waiting, q.at).await?);
        }
    }
    // The grants fingerprint of every waiting persona, in one query.
    let fingerprints = exposure::fingerprints(
        &ctx.db,
        rows.iter()
            .filter(|r| r.state == "pending")
            .map(|r| r.persona_id.clone())
            .collect(),
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(p) = personas.get(&row.persona_id) else {
            continue;
        };
        let to = u8::try_from(row.to_stage).unwrap_or(2);
        let target = limits::of(
            space_limits
                .get(row.space_id.as_str())
                .map_or(&[][..], Vec::as_slice),
            to,
        );
        let pending = row.state == "pending";
        let basis_now = pending.then(|| {
            basis_for(
                row,
                fingerprints.get(&row.persona_id).map_or("", String::as_str),
                &target,
            )
        });
        let view = promotion_view(
            row,
            &approvals,
            &people,
            basis_now.as_deref(),
            target.approvals_required,
            q.me,
        );
        let mut evidence = vec![format!(
            "{} is at stage {} · {}.",
            p.name,
            p.stage,
            stage_name(u8::try_from(p.stage).unwrap_or(0))
        )];
        let mut checked = Vec::new();
        if pending {
            let facts = gates::Facts {
                attestations: parse_attestations(&row.attestations),
                ..gate_facts.get(&p.id).cloned().unwrap_or_default()
            };
            let opening: Vec<String> = facts
                .grants
                .iter()
                .filter(|g| g.exposes && g.min_stage == to)
                .map(|g| g.label.clone())
                .collect();
            evidence.push(if opening.is_empty() {
                format!(
                    "No grant waits for stage {to}: the promotion changes the stage's limits only."
                )
            } else {
                format!("Becomes active at stage {to}: {}.", opening.join("; "))
            });
            evidence.push(format!(
                "{} external capabilities would be active{}.",
                exposure::external_count(&facts.grants, to),
                target
                    .max_external
                    .map(|m| format!(" (stage {to} allows {m})"))
                    .unwrap_or_default()
            ));
            checked = gates::evaluate(&facts, &target, q.at);
        }
        for a in view.approvals.iter().filter(|a| !a.counts) {
            evidence.push(format!(
                "{}'s approval no longer counts: {}.",
                a.by,
                a.void_reason.clone().unwrap_or_default()
            ));
        }
        let counting = view.approvals.iter().filter(|a| a.counts).count();
        let approved_by_me = approvals.iter().any(|a| {
            a.promotion_id == row.id
                && a.user_id == q.me
                && basis_now
                    .as_deref()
                    .is_some_and(|now| void_reason(&a.basis, now).is_none())
        });
        let ended = row.decided_at.unwrap_or(q.at);
        out.push((
            row.requested_at,
            ReviewItem {
                id: row.id.clone(),
                kind: "promotion".into(),
                kind_label: "Stage promotion".into(),
                space_id: row.space_id.clone(),
                space_name: space_names
                    .get(row.space_id.as_str())
                    .map_or_else(String::new, |s| (*s).to_string()),
                about: p.name.clone(),
                about_href: Some(format!("/personas/{}", p.id)),
                before: "Promote".into(),
                after: format!("to stage {to} · {}", stage_name(to)),
                subject: String::new(),
                asked_by: view.requested_by.clone(),
                asked_at: rfc3339(row.requested_at),
                age: words::age(ended - row.requested_at),
                expires_at: None,
                summary: row.reason.clone(),
                evidence,
                can_decide: pending && !view.mine && !approved_by_me && may_decide(&row.space_id),
                decided_by: view.decided_by.clone(),
                decided_at: view.decided_at.clone(),
                comment: row.comment.clone(),
                state: row.state.clone(),
                approvals: pending.then(|| {
                    format!(
                        "{counting} of {} approval{} given{}",
                        view.approvals_required,
                        if view.approvals_required == 1 {
                            ""
                        } else {
                            "s"
                        },
                        if view.approvals.iter().any(|a| a.counts) {
                            format!(
                                " ({})",
                                view.approvals
                                    .iter()
                                    .filter(|a| a.counts)
                                    .map(|a| a.by.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        } else {
                            String::new()
                        }
                    )
                }),
                gates: checked,
                attestations: view.attestations,
            },
        ));
    }
    Ok(out)
}
