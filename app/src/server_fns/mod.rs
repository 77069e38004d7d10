//! Server functions: thin. Each parses, calls the domain service of the same name, and
//! returns the result. Every one is a public HTTP endpoint (POST only), so every one goes
//! through the domain's authorization.

pub mod activity;
pub mod audit;
pub mod capabilities;
pub mod evaluation;
pub mod killswitches;
pub mod members;
pub mod personas;
pub mod review;
pub mod rollout;
pub mod session;
pub mod spaces;
pub mod tenants;
pub mod tokens;

#[cfg(feature = "ssr")]
pub(crate) mod context;
