//! The contract's bodies as Rust types: decoded from requests, encoded into responses,
//! and described in the OpenAPI document from these same definitions.

use app::domain::policy::decide::Requested;
use app::domain::runtime::{decisions, events};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `read` looks; `write` acts.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessAsked {
    Read,
    Write,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionContext {
    /// What the persona is about to do, in a sentence, for the reviewer who may approve it.
    pub summary: Option<String>,
}

/// May this persona do this now?
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub persona_id: String,
    /// The capability's key, e.g. `crm` or `chat`.
    pub capability: String,
    /// The action's name; omit to ask about the capability as a whole.
    #[serde(default)]
    pub action: Option<String>,
    pub access: AccessAsked,
    /// An environment of the space, e.g. `sandbox` or `production`.
    pub environment: String,
    /// The app the persona acts through; a token narrowed to an app implies it.
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub context: Option<DecisionContext>,
}

impl From<DecisionRequest> for decisions::DecisionRequest {
    fn from(body: DecisionRequest) -> Self {
        Self {
            persona_id: body.persona_id,
            capability: body.capability,
            action: body.action,
            access: match body.access {
                AccessAsked::Read => Requested::Read,
                AccessAsked::Write => Requested::Write,
            },
            environment: body.environment,
            app_id: body.app_id,
            summary: body.context.and_then(|c| c.summary),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionResponse {
    /// `allow`, `deny` or `needs_approval`.
    #[schema(example = "allow")]
    pub decision: &'static str,
    /// `kill_switch`, `no_grant`, `stage`, `environment`, `access`, `approval_required`
    /// or `granted`.
    #[schema(example = "granted")]
    pub reason: &'static str,
    /// Only with `needs_approval`: poll `GET approvals/{id}` or wait for
    /// `approval_decided` on the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
    pub policy_version: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApprovalResponse {
    pub approval_id: String,
    /// `pending`, `approved`, `rejected` or `expired`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    pub persona_id: String,
    /// `action`, `message`, `error` or `note`.
    pub kind: String,
    #[serde(default)]
    pub capability: Option<String>,
    pub summary: String,
    /// RFC 3339; at most 5 minutes in the future.
    pub occurred_at: String,
    /// Re-sending an event with the same key (in the same space) counts it once.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventsRequest {
    /// 1 to 500 events.
    pub events: Vec<EventIn>,
}

impl EventsRequest {
    pub fn into_domain(self) -> Vec<events::EventIn> {
        self.events
            .into_iter()
            .map(|e| events::EventIn {
                persona_id: e.persona_id,
                kind: e.kind,
                capability: e.capability,
                summary: e.summary,
                occurred_at: e.occurred_at,
                idempotency_key: e.idempotency_key,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventsResponse {
    pub accepted: usize,
    pub duplicates: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HaltedBy {
    /// `tenant`, `space`, `app` or `persona`.
    pub scope: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyGrant {
    pub capability: String,
    /// `null`: every action of the capability.
    pub action: Option<String>,
    /// `builtin` or `external`.
    pub kind: String,
    /// `denied`, `read`, `approval` or `write`.
    pub access: String,
    pub environments: Vec<String>,
    pub min_stage: u8,
}

/// The persona's effective policy. Grants above the current stage and grants of a
/// switched-off capability are not listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyResponse {
    pub persona_id: String,
    pub space_id: String,
    pub stage: u8,
    /// `pilot`, `bounded_production`, `broader_capability_exposure`, `deep_embedding`.
    pub stage_name: String,
    pub halted: bool,
    pub halted_by: Option<HaltedBy>,
    pub halted_capabilities: Vec<String>,
    pub grants: Vec<PolicyGrant>,
    /// Moves with every change in the space; also the ETag.
    pub version: i64,
    /// Fail closed: without a fresh answer from the console for this long, deny
    /// everything.
    pub max_staleness_seconds: u32,
    /// The current stage's audience cap: the most distinct end users this runtime may
    /// serve at this stage (it counts them and reports against it). `null`: no cap.
    pub audience_cap: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_request`, `unauthenticated`, `forbidden`, `not_found`,
    /// `payload_too_large`, `unsupported_media_type`, `rate_limited`, `not_ready`.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}
