//! The audit log: every control-plane change writes one entry in the same transaction as
//! the change. Entries are hash-chained per tenant, so an edited, deleted or reordered
//! entry is found by `verify-audit`.

pub mod chain;
pub mod diff;
pub mod query;
pub mod record;
pub mod verify;
pub mod views;

pub use record::{AuditActor, Change, record};
pub use views::Audited;
