//! sea-orm entities, one file a table. Only the domain layer touches these.

pub mod app;
pub mod approval;
pub mod audit_entry;
pub mod capability;
pub mod capability_action;
pub mod decision;
pub mod environment;
pub mod grant;
pub mod kill_switch;
pub mod membership;
pub mod persona;
pub mod promotion;
pub mod promotion_approval;
pub mod runtime_event;
pub mod runtime_token;
pub mod session;
pub mod space;
pub mod stage_limit;
pub mod stream_event;
pub mod switch_release;
pub mod switch_trigger;
pub mod team;
pub mod team_member;
pub mod team_space;
pub mod tenant;
pub mod user;
