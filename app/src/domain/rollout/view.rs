//! The persona page's rollout section: its stage, each stage's limits and what it would
//! expose, the gates for the next stage as they stand, the waiting request with its
//! approvals (and which no longer count, and why), and earlier stage changes.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

use super::decide::current_basis;
use super::{exposure, gates, limits, parse_attestations, void_reason};
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{promotion, promotion_approval};
use crate::domain::personas::persona_for;
use crate::domain::users::display_names;
use crate::domain::{Actor, Ctx, now, rfc3339};
use crate::types::{
    ApprovalGivenView, PersonaId, PersonaRolloutView, PromotionView, SpaceId, TenantId, stage_name,
};

/// Earlier stage changes shown on the persona page.
const HISTORY: u64 = 10;

/// People's names for the user ids of these requests and approvals.
pub async fn names(
    db: &impl ConnectionTrait,
    requests: &[promotion::Model],
    approvals: &[promotion_approval::Model],
) -> Result<HashMap<String, String>, AppError> {
    display_names(
        db,
        requests
            .iter()
            .flat_map(|r| [Some(r.requested_by.clone()), r.decided_by.clone()])
            .flatten()
            .chain(approvals.iter().map(|a| a.user_id.clone()))
            .collect(),
    )
    .await
}

/// One request as people read it. `basis_now` is what approvals are measured against
/// (only for a waiting request).
pub fn promotion_view(
    row: &promotion::Model,
    approvals: &[promotion_approval::Model],
    names: &HashMap<String, String>,
    basis_now: Option<&str>,
    approvals_required: u8,
    me: &str,
) -> PromotionView {
    let person = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    PromotionView {
        id: row.id.clone(),
        from_stage: u8::try_from(row.from_stage).unwrap_or(1),
        to_stage: u8::try_from(row.to_stage).unwrap_or(1),
        requested_by: person(&row.requested_by),
        requested_at: rfc3339(row.requested_at),
        reason: row.reason.clone(),
        attestations: parse_attestations(&row.attestations),
        state: row.state.clone(),
        approvals: approvals
            .iter()
            .filter(|a| a.promotion_id == row.id)
            .map(|a| {
                let void = basis_now.and_then(|now| void_reason(&a.basis, now));
                ApprovalGivenView {
                    by: person(&a.user_id),
                    at: rfc3339(a.approved_at),
                    comment: a.comment.clone(),
                    counts: void.is_none(),
                    void_reason: void,
                }
            })
            .collect(),
        approvals_required,
        decided_by: row.decided_by.as_deref().map(person),
        decided_at: row.decided_at.map(rfc3339),
        comment: row.comment.clone(),
        mine: row.requested_by == me,
    }
}

pub async fn persona_rollout(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
) -> Result<PersonaRolloutView, AppError> {
    let Actor::Console(user) = actor;
    let found = persona_for(ctx, actor, persona_id, Action::ViewSpace).await?;
    let p = &found.persona;
    let stage = u8::try_from(p.stage).unwrap_or(1);
    let all = limits::load(&ctx.db, &p.space_id).await?;
    let at = now();
    let requests = promotion::Entity::find()
        .filter(promotion::Column::PersonaId.eq(p.id.as_str()))
        .order_by_desc(promotion::Column::RequestedAt)
        .limit(HISTORY + 1)
        .all(&ctx.db)
        .await?;
    let pending = requests.iter().find(|r| r.state == "pending");
    let approvals = match pending {
        Some(r) => {
            promotion_approval::Entity::find()
                .filter(promotion_approval::Column::PromotionId.eq(r.id.as_str()))
                .order_by_asc(promotion_approval::Column::ApprovedAt)
                .all(&ctx.db)
                .await?
        }
        None => Vec::new(),
    };
    let names = names(&ctx.db, &requests, &approvals).await?;
    let me = user.user_id.to_string();
    let next = (stage < 4).then(|| limits::of(&all, stage + 1));
    let attested = pending
        .map(|r| parse_attestations(&r.attestations))
        .unwrap_or_default();
    let facts = gates::facts(&ctx.db, p, attested, at).await?;
    let next_gates = next
        .as_ref()
        .map(|l| gates::evaluate(&facts, l, at))
        .unwrap_or_default();
    let pending_view = match pending {
        Some(r) => {
            let basis_now = current_basis(&ctx.db, r).await?;
            let required =
                limits::of(&all, u8::try_from(r.to_stage).unwrap_or(2)).approvals_required;
            Some(promotion_view(
                r,
                &approvals,
                &names,
                Some(&basis_now),
                required,
                &me,
            ))
        }
        None => None,
    };
    let history = requests
        .iter()
        .filter(|r| r.state != "pending")
        .take(HISTORY as usize)
        .map(|r| promotion_view(r, &[], &names, None, 0, &me))
        .collect();
    let tenant = TenantId::from_db(found.scope.space.tenant_id.clone());
    let space_id = SpaceId::from_db(p.space_id.clone());
    let may = |action| {
        authorize(
            actor,
            action,
            Scope::Space {
                access: &found.scope.access,
                tenant: &tenant,
                space: &space_id,
            },
        )
        .is_ok()
    };
    Ok(PersonaRolloutView {
        persona_id: p.id.clone(),
        persona_name: p.name.clone(),
        stage,
        stage_name: stage_name(stage).to_string(),
        limits: all.iter().map(limits::Limits::view).collect(),
        exposure: exposure::by_stage(&facts.grants, &all, stage),
        next_gates,
        next_attestations: next.map(|l| l.attestations).unwrap_or_default(),
        pending: pending_view,
        history,
        can_request: stage < 4 && pending.is_none() && may(Action::ChangeStage),
        can_demote: stage > 1 && may(Action::ChangeStage),
        can_break_glass: stage < 4 && may(Action::BreakGlass),
    })
}
