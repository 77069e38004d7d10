//! Who is asking. Every service takes an `Actor` and authorizes it first.

use crate::types::{Role, TenantId, UserId};

/// A person signed in to the console, acting within one tenant, from one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleUser {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub role: Role,
    /// Where the request came from, for the audit log.
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ConsoleUser {
    #[cfg(test)]
    pub fn for_tests(tenant_id: TenantId, role: Role) -> Self {
        Self {
            user_id: UserId::new(),
            email: "member@example.com".into(),
            display_name: "Member".into(),
            tenant_id,
            tenant_name: "Tenant".into(),
            role,
            ip: None,
            user_agent: None,
        }
    }
}

/// Runtime tokens join this enum with the runtime API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Console(ConsoleUser),
}

impl Actor {
    /// The request's origin, set by the HTTP layer once the actor is known.
    pub fn with_origin(mut self, ip: Option<String>, user_agent: Option<String>) -> Self {
        let Actor::Console(user) = &mut self;
        user.ip = ip;
        user.user_agent = user_agent;
        self
    }
}
