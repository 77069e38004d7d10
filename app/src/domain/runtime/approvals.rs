//! Approvals that decisions open (grant level `approval`): one pending item per distinct
//! request, reused while it is pending, and read back by the runtime.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::AppError;
use crate::domain::entities::{approval, user};
use crate::domain::tokens::authenticate::RuntimeToken;
use crate::domain::{Ctx, now, rfc3339};
use crate::types::{ApprovalId, RuntimeScope};

/// How long a pending approval waits for a reviewer before it reads `expired`
/// (`--approval-expiry-hours`, default 24).
#[derive(Debug)]
pub struct ApprovalExpiry(AtomicU32);

impl Default for ApprovalExpiry {
    fn default() -> Self {
        Self(AtomicU32::new(24))
    }
}

impl ApprovalExpiry {
    pub fn set_hours(&self, hours: u32) {
        self.0.store(hours.max(1), Ordering::Relaxed);
    }

    pub fn duration(&self) -> time::Duration {
        time::Duration::hours(i64::from(self.0.load(Ordering::Relaxed)))
    }
}

pub struct ApprovalAsk<'a> {
    pub tenant_id: &'a str,
    pub space_id: &'a str,
    pub persona_id: &'a str,
    pub app_id: Option<&'a str>,
    pub capability: &'a str,
    pub action: Option<&'a str>,
    pub access: &'a str,
    pub environment: &'a str,
    pub summary: &'a str,
}

/// What makes two requests "the same request": everything but the free-text summary.
fn request_key(ask: &ApprovalAsk<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        ask.persona_id,
        ask.app_id.unwrap_or(""),
        ask.capability,
        ask.action.unwrap_or(""),
        ask.access,
        ask.environment,
    ] {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The pending approval for this request, opened if there is none.
pub async fn open_approval(
    ctx: &Ctx,
    token: &RuntimeToken,
    ask: &ApprovalAsk<'_>,
) -> Result<String, AppError> {
    let key = request_key(ask);
    let _one_at_a_time = ctx.runtime.opening.lock().await;
    let at = now();
    if let Some(open) = approval::Entity::find()
        .filter(approval::Column::PersonaId.eq(ask.persona_id))
        .filter(approval::Column::RequestKey.eq(key.as_str()))
        .filter(approval::Column::State.eq("pending"))
        .filter(approval::Column::ExpiresAt.gt(at))
        .one(&ctx.db)
        .await?
    {
        return Ok(open.id);
    }
    let id = ApprovalId::new().to_string();
    approval::ActiveModel {
        id: Set(id.clone()),
        tenant_id: Set(ask.tenant_id.to_string()),
        space_id: Set(ask.space_id.to_string()),
        persona_id: Set(ask.persona_id.to_string()),
        app_id: Set(ask.app_id.map(str::to_string)),
        capability: Set(ask.capability.to_string()),
        action: Set(ask.action.map(str::to_string)),
        access: Set(ask.access.to_string()),
        environment: Set(ask.environment.to_string()),
        summary: Set(ask.summary.to_string()),
        request_key: Set(key),
        state: Set("pending".into()),
        token_id: Set(Some(token.id.to_string())),
        created_at: Set(at),
        expires_at: Set(at + ctx.runtime.approval_expiry.duration()),
        decided_by: Set(None),
        decided_at: Set(None),
        comment: Set(None),
    }
    .insert(&ctx.db)
    .await?;
    Ok(id)
}

/// An approval as the runtime reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalState {
    pub approval_id: String,
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

/// The stored state, with a pending approval past its time read as `expired`.
pub fn state_at(model: &approval::Model, at: time::OffsetDateTime) -> &str {
    if model.state == "pending" && model.expires_at <= at {
        "expired"
    } else {
        &model.state
    }
}

/// The reviewer's name as the runtime hears it (the table keeps their user id).
async fn decider_name(ctx: &Ctx, user_id: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(id) = user_id else {
        return Ok(None);
    };
    Ok(Some(
        user::Entity::find_by_id(id)
            .one(&ctx.db)
            .await?
            .map_or_else(|| id.to_string(), |u| u.display_name),
    ))
}

pub async fn read_approval(
    ctx: &Ctx,
    token: &RuntimeToken,
    approval_id: &str,
) -> Result<ApprovalState, AppError> {
    token.require(RuntimeScope::ApprovalsRead)?;
    let found = approval::Entity::find_by_id(approval_id)
        .filter(approval::Column::SpaceId.eq(token.space_id.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !token.reaches_persona(&found.persona_id) || !token.reaches_app(found.app_id.as_deref()) {
        return Err(AppError::NotFound);
    }
    Ok(ApprovalState {
        approval_id: found.id.clone(),
        state: state_at(&found, now()).to_string(),
        decided_by: decider_name(ctx, found.decided_by.as_deref()).await?,
        decided_at: found.decided_at.map(rfc3339),
        comment: found.comment.clone(),
    })
}
