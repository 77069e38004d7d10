//! sea-orm entities, one file a table. Only the domain layer touches these.

pub mod audit_entry;
pub mod membership;
pub mod persona;
pub mod session;
pub mod space;
pub mod tenant;
pub mod user;
