//! How evaluation rows read in the audit log.

use serde_json::{Value, json};

use crate::domain::audit::views::Audited;
use crate::domain::entities::{
    evaluation, evaluation_attestation, evaluation_share, evaluation_snapshot,
};

impl Audited for evaluation::Model {
    const ENTITY: &'static str = "evaluation";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "title": self.title,
            "space_id": self.space_id,
            "persona_id": self.persona_id,
            "state": self.state,
        })
    }
}

impl Audited for evaluation_attestation::Model {
    const ENTITY: &'static str = "evaluation_attestation";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({
            "evaluation_id": self.evaluation_id,
            "item": self.item_key,
            "statement": self.statement,
            "attested_by": self.attested_by,
        })
    }
}

impl Audited for evaluation_snapshot::Model {
    const ENTITY: &'static str = "evaluation_snapshot";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        json!({ "evaluation_id": self.evaluation_id, "level": self.level })
    }
}

impl Audited for evaluation_share::Model {
    const ENTITY: &'static str = "evaluation_share";
    fn audit_id(&self) -> String {
        self.id.clone()
    }
    fn audit_view(&self) -> Value {
        // The prefix only: the secret (and its hash) never reach the log.
        json!({
            "evaluation_id": self.evaluation_id,
            "prefix": self.prefix,
            "expires_at": crate::domain::rfc3339(self.expires_at),
            "revoked": self.revoked_at.is_some(),
        })
    }
}
