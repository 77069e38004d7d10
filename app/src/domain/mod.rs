//! The domain service layer (server only). Every rule of the product lives here:
//! authorization, invariants, and the database writes. Server functions and HTTP
//! handlers parse input, call one function from here, and format the result.

pub mod access;
pub mod activity;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod capabilities;
pub mod db;
pub mod demo;
pub mod entities;
pub mod evaluation;
pub mod grants;
pub mod killswitch;
pub mod members;
pub mod personas;
pub mod policy;
pub mod review;
pub mod rollout;
pub mod runtime;
pub mod spaces;
pub mod tenants;
pub mod tokens;
pub mod users;
pub mod validate;

use std::sync::Arc;

pub use actor::{Actor, ConsoleUser};

/// What every service needs, cloned cheaply into axum state and Leptos context alike.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: sea_orm::DatabaseConnection,
    pub passwords: Arc<auth::passwords::PasswordHasher>,
    pub throttle: Arc<auth::throttle::LoginThrottle>,
    /// Runtime tokens seen since the last write of their "last used" time.
    pub last_used: Arc<tokens::last_used::LastUsed>,
    /// Policy snapshots, the change stream and the decision feed of the runtime API.
    pub runtime: Arc<runtime::Runtime>,
}

impl Ctx {
    pub fn new(db: sea_orm::DatabaseConnection) -> Result<Self, crate::AppError> {
        Ok(Self {
            db,
            passwords: Arc::new(auth::passwords::PasswordHasher::new()?),
            throttle: Arc::new(auth::throttle::LoginThrottle::default()),
            last_used: Arc::default(),
            runtime: Arc::default(),
        })
    }
}

/// Now, in UTC. One place, so tests and audit entries agree on the clock's source.
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// A time as RFC 3339 in UTC, as every view and the runtime API show it.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
