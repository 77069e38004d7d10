//! Who is asking. Every service takes an `Actor` and authorizes it first.

use crate::types::{Role, TenantId, UserId};

/// A person signed in to the console, acting within one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleUser {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub role: Role,
}

/// Runtime tokens join this enum with the runtime API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Console(ConsoleUser),
}
