//! What each entity shows in the audit log: its meaningful fields, never secrets
//! (a user's view has no password hash).

use serde_json::{Value, json};

use crate::domain::entities::{membership, persona, space, tenant, user};

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
        })
    }
}
