//! The review queue: what waits for a second person: runtime actions whose grant level is
//! `approval` (opened by `POST decisions`), kill-switch releases and stage promotions.
//! Everyone who reaches a space sees its items; owners, admins and reviewers decide them.

pub mod decide;
mod promotions;
pub mod queue;
mod words;

pub use decide::decide;
pub use queue::{pending_count, queue};

/// Items of one page of the queue.
pub const PAGE: u64 = 100;
/// Longest comment kept with a decision.
pub const MAX_COMMENT: usize = 2000;
