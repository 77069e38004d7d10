//! sea-orm entities, one file a table. Only the domain layer touches these.

pub mod app;
pub mod audit_entry;
pub mod capability;
pub mod capability_action;
pub mod environment;
pub mod grant;
pub mod membership;
pub mod persona;
pub mod runtime_token;
pub mod session;
pub mod space;
pub mod team;
pub mod team_member;
pub mod team_space;
pub mod tenant;
pub mod user;
