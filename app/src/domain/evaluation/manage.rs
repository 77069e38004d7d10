//! Starting an evaluation, walking it (the step it stands on), attesting items and
//! completing it (each completion stores a snapshot of the report). Every change is
//! authorized here with `Action::Evaluate`; every change but the remembered step (a
//! bookmark, written as the evaluator moves) is audited.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::catalog::{self, Kind, MAX_ATTESTATION, MIN_ATTESTATION};
use super::report::{self, assess};
use crate::AppError;
use crate::domain::access::TenantAccess;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::{Action, authorize_at};
use crate::domain::entities::{
    evaluation, evaluation_attestation, evaluation_share, evaluation_snapshot, persona,
};
use crate::domain::spaces::{reachable, space_for};
use crate::domain::users::display_names;
use crate::domain::validate::check_text;
use crate::domain::{Actor, Ctx, db, now, rfc3339};
use crate::types::{
    EvaluationId, EvaluationSummaryView, EvaluationTargetView, EvaluationView, EvaluationsPageView,
    ShareView, SnapshotView, SpaceId,
};

pub const MAX_TITLE: usize = 200;
/// Evaluations listed on the page, newest first.
const LISTED: u64 = 50;
/// The stepper's last step (the summary).
pub const LAST_STEP: u8 = crate::types::EVALUATION_STEPS;

/// Finds an evaluation of the actor's tenant and authorizes `action` on its space.
pub async fn evaluation_for(
    ctx: &Ctx,
    actor: &Actor,
    id: &EvaluationId,
    action: Action,
) -> Result<(evaluation::Model, TenantAccess), AppError> {
    let Actor::Console(user) = actor;
    let found = evaluation::Entity::find_by_id(id.as_str())
        .filter(evaluation::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = space_for(
        ctx,
        actor,
        &SpaceId::from_db(found.space_id.clone()),
        action,
    )
    .await?;
    Ok((found, scope.access))
}

pub async fn start(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    persona_id: &str,
    title: &str,
) -> Result<EvaluationId, AppError> {
    let Actor::Console(user) = actor;
    let scope = space_for(ctx, actor, space_id, Action::Evaluate).await?;
    let persona = match persona_id.trim() {
        "" => None,
        id => Some(
            persona::Entity::find_by_id(id)
                .filter(persona::Column::SpaceId.eq(space_id.as_str()))
                .one(&ctx.db)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("persona_id", "choose a persona of this space, or none")
                })?,
        ),
    };
    let mut title = check_text("title", title, MAX_TITLE)?;
    if title.is_empty() {
        title = match &persona {
            Some(p) => format!("Readiness of {} in {}", p.name, scope.space.name),
            None => format!("Readiness of {}", scope.space.name),
        };
    }
    let at = now();
    let id = EvaluationId::new();
    let txn = db::begin_write(&ctx.db).await?;
    let created = evaluation::ActiveModel {
        id: Set(id.to_string()),
        tenant_id: Set(user.tenant_id.to_string()),
        space_id: Set(space_id.to_string()),
        persona_id: Set(persona.map(|p| p.id)),
        title: Set(title),
        created_by: Set(user.user_id.to_string()),
        created_at: Set(at),
        updated_at: Set(at),
        step: Set(1),
        state: Set("in_progress".into()),
        completed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("evaluation.start", &created),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The evaluations the actor reaches, newest first, with the level of their last
/// completed run (assessing each live would cost a full evaluation per row), and where
/// they may start one.
pub async fn page(ctx: &Ctx, actor: &Actor) -> Result<EvaluationsPageView, AppError> {
    let (access, spaces) = reachable(ctx, actor).await?;
    let space_ids: Vec<String> = spaces.iter().map(|s| s.id.clone()).collect();
    let rows = evaluation::Entity::find()
        .filter(evaluation::Column::SpaceId.is_in(space_ids.clone()))
        .order_by_desc(evaluation::Column::UpdatedAt)
        .limit(LISTED)
        .all(&ctx.db)
        .await?;
    let mut last_level: std::collections::HashMap<String, u8> = std::collections::HashMap::new();
    for (evaluation_id, level) in evaluation_snapshot::Entity::find()
        .select_only()
        .column(evaluation_snapshot::Column::EvaluationId)
        .column(evaluation_snapshot::Column::Level)
        .filter(evaluation_snapshot::Column::EvaluationId.is_in(rows.iter().map(|e| e.id.clone())))
        .order_by_asc(evaluation_snapshot::Column::TakenAt)
        .into_tuple::<(String, i16)>()
        .all(&ctx.db)
        .await?
    {
        // Oldest first, so the last one written wins.
        last_level.insert(evaluation_id, u8::try_from(level).unwrap_or(0));
    }
    let personas = persona::Entity::find()
        .filter(persona::Column::SpaceId.is_in(space_ids))
        .order_by_asc(persona::Column::NameFolded)
        .all(&ctx.db)
        .await?;
    let space_name = |id: &str| {
        spaces
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let evaluations = rows
        .iter()
        .map(|e| EvaluationSummaryView {
            id: e.id.clone(),
            title: e.title.clone(),
            space_name: space_name(&e.space_id),
            persona_name: e.persona_id.as_ref().and_then(|id| {
                personas
                    .iter()
                    .find(|p| &p.id == id)
                    .map(|p| p.name.clone())
            }),
            state: e.state.clone(),
            last_level: last_level.get(&e.id).copied(),
            updated_at: rfc3339(e.updated_at),
        })
        .collect();
    let targets: Vec<EvaluationTargetView> = spaces
        .iter()
        .filter(|s| authorize_at(actor, Action::Evaluate, &access, Some(&s.id)).is_ok())
        .map(|s| EvaluationTargetView {
            space_id: s.id.clone(),
            space_name: s.name.clone(),
            personas: personas
                .iter()
                .filter(|p| p.space_id == s.id)
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
        })
        .collect();
    Ok(EvaluationsPageView {
        evaluations,
        can_start: !targets.is_empty(),
        targets,
    })
}

pub async fn view(ctx: &Ctx, actor: &Actor, id: &EvaluationId) -> Result<EvaluationView, AppError> {
    let (e, access) = evaluation_for(ctx, actor, id, Action::ViewSpace).await?;
    let at = now();
    let assessed = assess(&ctx.db, &e, at).await?;
    let changes = match report::last_snapshot(&ctx.db, &e.id).await? {
        Some(before) => report::changes(&before, &assessed.report),
        None => Vec::new(),
    };
    let snapshots = evaluation_snapshot::Entity::find()
        .filter(evaluation_snapshot::Column::EvaluationId.eq(e.id.as_str()))
        .order_by_desc(evaluation_snapshot::Column::TakenAt)
        .all(&ctx.db)
        .await?;
    let shares = evaluation_share::Entity::find()
        .filter(evaluation_share::Column::EvaluationId.eq(e.id.as_str()))
        .order_by_desc(evaluation_share::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let names = display_names(
        &ctx.db,
        snapshots
            .iter()
            .map(|s| s.taken_by.clone())
            .chain(shares.iter().map(|s| s.created_by.clone()))
            .collect(),
    )
    .await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let count = |f: &dyn Fn(&super::checks::Checked) -> bool| {
        u32::try_from(assessed.checked.iter().filter(|c| f(c)).count()).unwrap_or(0)
    };
    let statements = count(&|c| c.item.kind == Kind::Attested);
    let written =
        count(&|c| c.item.kind == Kind::Attested && c.status == crate::types::ItemStatus::Pass);
    let checks = count(&|c| c.item.kind == Kind::Automatic);
    let checks_ready = count(&|c| c.item.kind == Kind::Automatic && c.status.counts());
    Ok(EvaluationView {
        // The evaluation was found in the actor's tenant (`evaluation_for`).
        can_edit: authorize_at(actor, Action::Evaluate, &access, Some(&e.space_id)).is_ok(),
        space_id: e.space_id.clone(),
        persona_id: e.persona_id.clone(),
        step: u8::try_from(e.step).unwrap_or(1).clamp(1, LAST_STEP),
        statements_written: written,
        statements,
        checks_ready,
        checks,
        changes,
        snapshots: snapshots
            .iter()
            .map(|s| SnapshotView {
                id: s.id.clone(),
                taken_at: rfc3339(s.taken_at),
                taken_by: name(&s.taken_by),
                level: u8::try_from(s.level).unwrap_or(0),
            })
            .collect(),
        shares: shares
            .iter()
            .map(|s| ShareView {
                id: s.id.clone(),
                prefix: s.prefix.clone(),
                created_by: name(&s.created_by),
                created_at: rfc3339(s.created_at),
                expires_at: rfc3339(s.expires_at),
                status: if s.revoked_at.is_some() {
                    "revoked"
                } else if s.expires_at <= at {
                    "expired"
                } else {
                    "active"
                }
                .into(),
            })
            .collect(),
        report: assessed.report,
    })
}

/// Remembers the step the evaluator stands on, so a return resumes there.
pub async fn set_step(
    ctx: &Ctx,
    actor: &Actor,
    id: &EvaluationId,
    step: u8,
) -> Result<(), AppError> {
    let (e, _) = evaluation_for(ctx, actor, id, Action::Evaluate).await?;
    if !(1..=LAST_STEP).contains(&step) {
        return Err(AppError::invalid(
            "step",
            format!("must be 1 to {LAST_STEP}"),
        ));
    }
    if e.step == i16::from(step) {
        return Ok(());
    }
    let mut active: evaluation::ActiveModel = e.into();
    active.step = Set(i16::from(step));
    active.update(&ctx.db).await?;
    Ok(())
}

/// Writes (or rewrites) the statement for one item the system cannot check. An
/// attestation reopens a completed evaluation: the next completion is a new run.
pub async fn attest(
    ctx: &Ctx,
    actor: &Actor,
    id: &EvaluationId,
    item_key: &str,
    statement: &str,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let (e, _) = evaluation_for(ctx, actor, id, Action::Evaluate).await?;
    let item = catalog::item(item_key)
        .ok_or_else(|| AppError::invalid("item", "no such item in the checklist"))?;
    if item.kind == Kind::Automatic {
        return Err(AppError::invalid(
            "item",
            "the system checks this item from live data; it cannot be attested instead",
        ));
    }
    let statement = check_text("statement", statement, MAX_ATTESTATION)?;
    if statement.chars().count() < MIN_ATTESTATION {
        return Err(AppError::invalid(
            "statement",
            format!("write a short statement of at least {MIN_ATTESTATION} characters"),
        ));
    }
    let at = now();
    let txn = db::begin_write(&ctx.db).await?;
    let existing = evaluation_attestation::Entity::find()
        .filter(evaluation_attestation::Column::EvaluationId.eq(e.id.as_str()))
        .filter(evaluation_attestation::Column::ItemKey.eq(item.key))
        .one(&txn)
        .await?;
    let change = match existing {
        Some(before) => {
            let mut active: evaluation_attestation::ActiveModel = before.clone().into();
            active.statement = Set(statement);
            active.attested_by = Set(user.user_id.to_string());
            active.attested_at = Set(at);
            let after = active.update(&txn).await?;
            (Some(before), after)
        }
        None => {
            let created = evaluation_attestation::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                evaluation_id: Set(e.id.clone()),
                item_key: Set(item.key.into()),
                statement: Set(statement),
                attested_by: Set(user.user_id.to_string()),
                attested_at: Set(at),
            }
            .insert(&txn)
            .await?;
            (None, created)
        }
    };
    let audit = AuditActor::of(actor);
    match &change {
        (Some(before), after) => {
            record(
                &txn,
                &user.tenant_id,
                &audit,
                Change::updated("evaluation.attest", before, after),
            )
            .await?
        }
        (None, after) => {
            record(
                &txn,
                &user.tenant_id,
                &audit,
                Change::created("evaluation.attest", after),
            )
            .await?
        }
    }
    let mut active: evaluation::ActiveModel = e.into();
    active.updated_at = Set(at);
    active.state = Set("in_progress".into());
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Completes a run: stores the report as it reads now. Open items are allowed; the
/// report lists them.
pub async fn complete(ctx: &Ctx, actor: &Actor, id: &EvaluationId) -> Result<u8, AppError> {
    let Actor::Console(user) = actor;
    let (e, _) = evaluation_for(ctx, actor, id, Action::Evaluate).await?;
    let at = now();
    let txn = db::begin_write(&ctx.db).await?;
    let before = e.clone();
    let mut active: evaluation::ActiveModel = e.into();
    active.state = Set("completed".into());
    active.completed_at = Set(Some(at));
    active.updated_at = Set(at);
    active.step = Set(i16::from(LAST_STEP));
    let after = active.update(&txn).await?;
    // Assessed inside the transaction, so the snapshot is exactly what was completed.
    let assessed = assess(&txn, &after, at).await?;
    let level = assessed.report.level;
    let snapshot = evaluation_snapshot::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        evaluation_id: Set(after.id.clone()),
        taken_at: Set(at),
        taken_by: Set(user.user_id.to_string()),
        level: Set(i16::from(level)),
        report: Set(serde_json::to_string(&assessed.report).map_err(|_| AppError::Internal)?),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::updated("evaluation.complete", &before, &after),
    )
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("evaluation.snapshot", &snapshot),
    )
    .await?;
    txn.commit().await?;
    Ok(level)
}
