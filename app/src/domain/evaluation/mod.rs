//! Buyer evaluation: a guided, evidence-backed checklist per space (or per persona in
//! it). Items are checked from live data or attested by a named person; they add up to
//! a readiness level (1 = ready for a pilot … 4 = ready for deep embedding) that the
//! promotion gates use. Reports can be shared, printed and exported; each completion
//! stores a snapshot so runs can be compared.

pub mod audited;
pub mod catalog;
pub mod checks;
pub mod data;
pub mod manage;
pub mod readiness;
pub mod report;
pub mod share;

pub use manage::{attest, complete, page, set_step, start, view};
