//! Share links: a report for readers without an account. The link carries a random
//! secret in the runtime-token format (prefix, 190 random bits, checksum), so a
//! tampered or truncated link is refused before any database work; only the secret's
//! SHA-256 hash is stored. Each link expires (1–30 days) and can be revoked; making and
//! revoking one is audited. An unknown, expired, revoked or malformed link gets the
//! same "not found", with no hint which.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::manage::evaluation_for;
use super::report::assess;
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{evaluation, evaluation_share};
use crate::domain::tokens::format::{check_prefixed, generate_prefixed, hash, visible_prefix};
use crate::domain::{Actor, Ctx, db, now, rfc3339};
use crate::types::{EvaluationId, NewShareView, ReportView, ShareId};

pub const PREFIX: &str = "evs_";
/// Where shared reports live: `/shared/evaluations/{secret}`.
pub const PATH: &str = "/shared/evaluations/";
pub const DEFAULT_DAYS: i64 = 7;
pub const MAX_DAYS: i64 = 30;

pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    id: &EvaluationId,
    days: &str,
) -> Result<NewShareView, AppError> {
    let Actor::Console(user) = actor;
    let (e, _) = evaluation_for(ctx, actor, id, Action::Evaluate).await?;
    let days = match days.trim() {
        "" => DEFAULT_DAYS,
        raw => raw
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or_else(|| {
                AppError::invalid("days", format!("a link lives 1 to {MAX_DAYS} days"))
            })?,
    };
    let secret = generate_prefixed(PREFIX);
    let at = now();
    let txn = db::begin_write(&ctx.db).await?;
    let created = evaluation_share::ActiveModel {
        id: Set(ShareId::new().to_string()),
        tenant_id: Set(e.tenant_id.clone()),
        evaluation_id: Set(e.id.clone()),
        secret_hash: Set(hash(&secret)),
        prefix: Set(visible_prefix(&secret)),
        created_by: Set(user.user_id.to_string()),
        created_at: Set(at),
        expires_at: Set(at + time::Duration::days(days)),
        revoked_at: Set(None),
        revoked_by: Set(None),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::created("evaluation.share", &created),
    )
    .await?;
    txn.commit().await?;
    Ok(NewShareView {
        url_path: format!("{PATH}{secret}"),
        expires_at: rfc3339(created.expires_at),
    })
}

pub async fn revoke(ctx: &Ctx, actor: &Actor, share_id: &ShareId) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let share = evaluation_share::Entity::find_by_id(share_id.as_str())
        .filter(evaluation_share::Column::TenantId.eq(user.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    // Authorized on the evaluation's space, like every other change to it.
    evaluation_for(
        ctx,
        actor,
        &EvaluationId::from_db(share.evaluation_id.clone()),
        Action::Evaluate,
    )
    .await?;
    if share.revoked_at.is_some() {
        return Ok(());
    }
    let txn = db::begin_write(&ctx.db).await?;
    let before = share.clone();
    let mut active: evaluation_share::ActiveModel = share.into();
    active.revoked_at = Set(Some(now()));
    active.revoked_by = Set(Some(user.user_id.to_string()));
    let after = active.update(&txn).await?;
    record(
        &txn,
        &user.tenant_id,
        &AuditActor::of(actor),
        Change::updated("evaluation.share_revoke", &before, &after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The report behind a share link, or `NotFound` for anything else.
pub async fn open(ctx: &Ctx, secret: &str) -> Result<ReportView, AppError> {
    check_prefixed(PREFIX, secret).map_err(|_| AppError::NotFound)?;
    let at = now();
    let share = evaluation_share::Entity::find()
        .filter(evaluation_share::Column::SecretHash.eq(hash(secret)))
        .one(&ctx.db)
        .await?
        .filter(|s| s.revoked_at.is_none() && s.expires_at > at)
        .ok_or(AppError::NotFound)?;
    let e = evaluation::Entity::find_by_id(share.evaluation_id.as_str())
        .filter(evaluation::Column::TenantId.eq(share.tenant_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut report = assess(&ctx.db, &e, at).await?.report;
    // The evidence pages are the console's: a reader without an account cannot open them,
    // and their addresses (and a click's Referer, which would carry this link) stay home.
    for item in report.questions.iter_mut().flat_map(|q| q.items.iter_mut()) {
        item.evidence = None;
    }
    Ok(report)
}
