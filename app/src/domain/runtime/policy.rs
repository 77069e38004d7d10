//! `GET personas/{id}/policy`: the persona's effective policy as a document, serialized
//! once per snapshot and identified by an ETag, so a runtime polling an unchanged policy
//! costs a hash-map lookup and a 304.

use serde::Serialize;
use std::sync::Arc;

use super::snapshot::{PersonaEntry, SpaceSnapshot};
use super::{app_in_scope, persona_in_scope};
use crate::AppError;
use crate::domain::Ctx;
use crate::domain::tokens::authenticate::RuntimeToken;
use crate::types::{RuntimeScope, stage_key};

/// How long a runtime that cannot reach the console may keep using its last policy
/// before it must deny everything (the fail-closed contract).
pub const MAX_STALENESS_SECS: u32 = 60;

#[derive(Serialize)]
struct HaltedByDoc<'a> {
    scope: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct GrantDoc<'a> {
    capability: &'a str,
    /// `null` for a grant on every action of the capability.
    action: Option<&'a str>,
    kind: &'a str,
    access: &'a str,
    environments: &'a [String],
    min_stage: u8,
}

#[derive(Serialize)]
struct PolicyDoc<'a> {
    persona_id: &'a str,
    space_id: &'a str,
    stage: u8,
    stage_name: &'a str,
    halted: bool,
    halted_by: Option<HaltedByDoc<'a>>,
    halted_capabilities: &'a [String],
    grants: Vec<GrantDoc<'a>>,
    version: i64,
    max_staleness_seconds: u32,
    /// The stage's audience cap: the most distinct end users the runtime may serve
    /// (it counts them and reports against it); `null`: no cap.
    audience_cap: Option<u32>,
}

fn document(snapshot: &SpaceSnapshot, entry: &PersonaEntry, app: Option<&str>) -> Arc<[u8]> {
    let halted_by = snapshot.halted_by(entry, app);
    let policy = &entry.policy;
    let grants = policy
        .grants
        .iter()
        .zip(&entry.kinds)
        // Only what is active now: not above the stage, not stopped by a switch.
        .filter(|(g, _)| {
            g.min_stage <= policy.stage && !policy.halted_capabilities.contains(&g.capability)
        })
        .map(|(g, kind)| GrantDoc {
            capability: &g.capability,
            action: g.action.as_deref(),
            kind,
            access: g.access.as_str(),
            environments: &g.environments,
            min_stage: g.min_stage,
        })
        .collect();
    let doc = PolicyDoc {
        persona_id: &entry.id,
        space_id: &snapshot.space_id,
        stage: policy.stage,
        stage_name: stage_key(policy.stage),
        halted: halted_by.is_some(),
        halted_by: halted_by.as_ref().map(|h| HaltedByDoc {
            scope: h.scope.as_str(),
            id: &h.id,
        }),
        halted_capabilities: &policy.halted_capabilities,
        grants,
        version: snapshot.version,
        max_staleness_seconds: MAX_STALENESS_SECS,
        audience_cap: snapshot.audience_cap(policy.stage),
    };
    serde_json::to_vec(&doc).unwrap_or_default().into()
}

pub struct PolicyAnswer {
    /// A strong ETag, quoted as the header carries it.
    pub etag: String,
    pub body: Arc<[u8]>,
}

pub async fn policy(
    ctx: &Ctx,
    token: &RuntimeToken,
    persona_id: &str,
) -> Result<PolicyAnswer, AppError> {
    token.require(RuntimeScope::PolicyRead)?;
    let snapshot = ctx
        .runtime
        .cache
        .get(&ctx.db, token.space_id.as_str())
        .await?;
    let entry = persona_in_scope(token, &snapshot, persona_id)?;
    let app = app_in_scope(token, &snapshot, None)?;
    // The version moves with every change in the space, so it identifies the document;
    // an app-narrowed token whose app is stopped sees a variant of it.
    if snapshot.app_halts(entry, app) {
        return Ok(PolicyAnswer {
            etag: format!("\"v{}-app\"", snapshot.version),
            body: document(&snapshot, entry, app),
        });
    }
    let body = entry
        .document
        .get_or_init(|| document(&snapshot, entry, None))
        .clone();
    Ok(PolicyAnswer {
        etag: format!("\"v{}\"", snapshot.version),
        body,
    })
}
