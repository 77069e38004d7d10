//! What each entity shows in the audit log: its meaningful fields, never secrets
//! (a user's view has no password hash).

use serde_json::{Value, json};

use crate::domain::capabilities::read::CapabilityWithActions;
use crate::domain::entities::{
    app, approval, capability, environment, grant, kill_switch, membership, persona, promotion,
    promotion_approval, runtime_token, space, stage_limit, switch_release, switch_trigger, team,
    tenant, user,
};

pub trait Audited {
    const ENTITY: &'static str;
    fn audit_id(&self) -> String;
    fn audit_view(&self) -> Value;
}

impl Audited for tenant::Model {
    const ENTITY: &'static str = "tenant";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "name": self.name })
    }
}

impl Audited for user::Model {
    const ENTITY: &'static str = "user";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "email": self.email, "display_name": self.display_name, "disabled": self.disabled })
    }
}

impl Audited for membership::Model {
    const ENTITY: &'static str = "membership";
    fn audit_id(&self) -> String {
        self.user_id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "user_id": self.user_id, "role": self.role })
    }
}

impl Audited for space::Model {
    const ENTITY: &'static str = "space";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "name": self.name, "description": self.description })
    }
}

impl Audited for persona::Model {
    const ENTITY: &'static str = "persona";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "space_id": self.space_id,
            "name": self.name,
            "role_description": self.role_description,
            "stage": self.stage,
            "status": self.status,
            "owner_user_id": self.owner_user_id,
            "on_call_user_id": self.on_call_user_id,
            "continuity": self.continuity,
        })
    }
}

impl Audited for environment::Model {
    const ENTITY: &'static str = "environment";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "space_id": self.space_id, "name": self.name })
    }
}

impl Audited for app::Model {
    const ENTITY: &'static str = "app";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "space_id": self.space_id,
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
        })
    }
}

impl Audited for capability::Model {
    const ENTITY: &'static str = "capability";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "space_id": self.space_id,
            "key": self.key,
            "name": self.name,
            "source": self.source,
            "system_kind": self.system_kind,
            "endpoint": self.endpoint,
            "enabled": self.enabled,
        })
    }
}

impl Audited for CapabilityWithActions {
    const ENTITY: &'static str = "capability";
    fn audit_id(&self) -> String {
        self.capability.id.clone()
    }
    fn audit_view(&self) -> Value {
        let mut view = self.capability.audit_view();
        view["actions"] = self
            .actions
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "access": a.access,
                    "high_risk": a.high_risk,
                    "financial": a.financial,
                    "privileged": a.privileged,
                    "irreversible": a.irreversible,
                })
            })
            .collect();
        view
    }
}

impl Audited for grant::Model {
    const ENTITY: &'static str = "grant";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "persona_id": self.persona_id,
            "capability_id": self.capability_id,
            "action": self.action_name,
            "access": self.access,
            "environments": serde_json::from_str::<Value>(&self.environments).unwrap_or(Value::Null),
            "min_stage": self.min_stage,
            "reason": self.reason,
        })
    }
}

impl Audited for team::Model {
    const ENTITY: &'static str = "team";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "name": self.name, "role": self.role })
    }
}

/// A runtime token as the log shows it: its prefix, never its secret or hash.
impl Audited for runtime_token::Model {
    const ENTITY: &'static str = "runtime_token";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        let at = |t: &time::OffsetDateTime| crate::domain::rfc3339(*t);
        json!({
            "space_id": self.space_id,
            "app_id": self.app_id,
            "persona_id": self.persona_id,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": self.scopes,
            "expires_at": at(&self.expires_at),
            "revoked_at": self.revoked_at.as_ref().map(at),
            "rotated_from": self.rotated_from,
        })
    }
}

impl Audited for kill_switch::Model {
    const ENTITY: &'static str = "kill_switch";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "scope": self.scope,
            "scope_id": self.scope_id,
            "engaged": self.engaged,
            "reason": self.reason,
            "last_drill_at": self.last_drill_at.map(crate::domain::rfc3339),
            "last_drill_ms": self.last_drill_ms,
        })
    }
}

impl Audited for approval::Model {
    const ENTITY: &'static str = "approval";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "space_id": self.space_id,
            "persona_id": self.persona_id,
            "capability": self.capability,
            "action": self.action,
            "access": self.access,
            "environment": self.environment,
            "state": self.state,
            "comment": self.comment,
        })
    }
}

impl Audited for switch_release::Model {
    const ENTITY: &'static str = "switch_release";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "switch_id": self.switch_id,
            "reason": self.reason,
            "state": self.state,
            "comment": self.comment,
        })
    }
}

impl Audited for stage_limit::Model {
    const ENTITY: &'static str = "stage_limit";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "space_id": self.space_id,
            "stage": self.stage,
            "environments": self.environments,
            "max_external": self.max_external,
            "audience_cap": self.audience_cap,
            "approvals_required": self.approvals_required,
            "attestations": self.attestations,
        })
    }
}

impl Audited for promotion::Model {
    const ENTITY: &'static str = "promotion";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "persona_id": self.persona_id,
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "reason": self.reason,
            "attestations": self.attestations,
            "version": self.version,
            "state": self.state,
            "comment": self.comment,
        })
    }
}

impl Audited for promotion_approval::Model {
    const ENTITY: &'static str = "promotion_approval";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "promotion_id": self.promotion_id,
            "user_id": self.user_id,
            "comment": self.comment,
        })
    }
}

impl Audited for switch_trigger::Model {
    const ENTITY: &'static str = "switch_trigger";
    fn audit_id(&self) -> String {
        self.switch_id.clone()
    }
    fn audit_view(&self) -> Value {
        // The prefix only: the secret (and its hash) never reach the log.
        json!({ "switch_id": self.switch_id, "prefix": self.prefix })
    }
}
