//! `POST decisions`: may this persona do this now? Answered from the space's snapshot by
//! the pure rule in `policy::decide`; recorded for the activity feed in memory.

use super::approvals::{ApprovalAsk, open_approval};
use super::decision_log::Recorded;
use super::{app_in_scope, persona_in_scope};
use crate::AppError;
use crate::domain::policy::decide::{Ask, Reason, Requested, Verdict, decide as rule};
use crate::domain::tokens::authenticate::RuntimeToken;
use crate::domain::{Ctx, now};
use crate::types::RuntimeScope;

/// Longest capability, action or environment name a request may carry.
pub const MAX_NAME: usize = 64;
/// Longest context summary kept with an approval.
pub const MAX_SUMMARY: usize = 2000;

#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub persona_id: String,
    pub capability: String,
    pub action: Option<String>,
    pub access: Requested,
    pub environment: String,
    pub app_id: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionAnswer {
    pub decision: Verdict,
    pub reason: Reason,
    pub approval_id: Option<String>,
    pub policy_version: i64,
}

pub fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Allow => "allow",
        Verdict::Deny => "deny",
        Verdict::NeedsApproval => "needs_approval",
    }
}

pub fn requested_str(r: Requested) -> &'static str {
    match r {
        Requested::Read => "read",
        Requested::Write => "write",
    }
}

fn check_name(field: &str, value: &str) -> Result<(), AppError> {
    if value.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if value.len() > MAX_NAME {
        return Err(AppError::invalid(
            field,
            format!("must be at most {MAX_NAME} characters"),
        ));
    }
    Ok(())
}

/// The checks that need no policy: names present and bounded, the summary bounded.
/// Pure, so the fuzz target runs it on arbitrary input.
pub fn check_request(request: &DecisionRequest) -> Result<(), AppError> {
    check_name("capability", &request.capability)?;
    check_name("environment", &request.environment)?;
    if let Some(action) = &request.action {
        check_name("action", action)?;
    }
    if request
        .summary
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SUMMARY)
    {
        return Err(AppError::invalid(
            "context.summary",
            format!("must be at most {MAX_SUMMARY} characters"),
        ));
    }
    Ok(())
}

pub async fn decide(
    ctx: &Ctx,
    token: &RuntimeToken,
    request: &DecisionRequest,
) -> Result<DecisionAnswer, AppError> {
    token.require(RuntimeScope::DecisionsWrite)?;
    check_request(request)?;
    let snapshot = ctx
        .runtime
        .cache
        .get(&ctx.db, token.space_id.as_str())
        .await?;
    let entry = persona_in_scope(token, &snapshot, &request.persona_id)?;
    let app = app_in_scope(token, &snapshot, request.app_id.as_deref())?;
    if !snapshot.capabilities.contains(&request.capability) {
        return Err(AppError::invalid(
            "capability",
            format!(
                "'{}' is not a capability enabled in this space",
                request.capability
            ),
        ));
    }
    if !snapshot.environments.contains(&request.environment) {
        return Err(AppError::invalid(
            "environment",
            format!(
                "'{}' is not an environment of this space",
                request.environment
            ),
        ));
    }
    let ask = Ask {
        capability: &request.capability,
        action: request.action.as_deref(),
        access: request.access,
        environment: &request.environment,
    };
    let (verdict, reason) = rule(&snapshot.policy_for(entry, app), &ask);
    let approval_id = if verdict == Verdict::NeedsApproval {
        Some(
            open_approval(
                ctx,
                token,
                &ApprovalAsk {
                    tenant_id: &snapshot.tenant_id,
                    space_id: &snapshot.space_id,
                    persona_id: &entry.id,
                    app_id: app,
                    capability: &request.capability,
                    action: request.action.as_deref(),
                    access: requested_str(request.access),
                    environment: &request.environment,
                    summary: request.summary.as_deref().unwrap_or(""),
                },
            )
            .await?,
        )
    } else {
        None
    };
    ctx.runtime.log.push(Recorded {
        tenant_id: &snapshot.tenant_id,
        space_id: &snapshot.space_id,
        persona_id: &entry.id,
        app_id: app,
        capability: &request.capability,
        action: request.action.as_deref(),
        access: requested_str(request.access),
        environment: &request.environment,
        decision: verdict_str(verdict),
        reason: reason.as_str(),
        approval_id: approval_id.as_deref(),
        token_id: token.id.as_str(),
        at: now(),
    });
    Ok(DecisionAnswer {
        decision: verdict,
        reason,
        approval_id,
        policy_version: snapshot.version,
    })
}
