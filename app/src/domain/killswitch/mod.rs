//! Kill-switches at tenant, space, app, persona and capability level. Engaging one is
//! immediate: it commits with the stream event that tells every connected runtime, and
//! the policy snapshots it touches are dropped before anyone can read them again.
//! (Releasing goes through the review queue: the governance work.)

pub mod engage;

pub use engage::{SwitchTarget, engage};
