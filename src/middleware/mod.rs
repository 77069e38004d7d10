//! Layers every request goes through: security headers, the cross-site check, and
//! turning the session into an actor.

pub mod auth;
pub mod client_ip;
pub mod csrf;
pub mod headers;
pub mod render_deadline;
