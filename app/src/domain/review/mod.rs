//! The review queue: what waits for a second person. Today it holds runtime actions whose
//! grant level is `approval` (opened by `POST decisions`); stage promotions and
//! kill-switch releases join it with the governance work. Everyone who reaches a space
//! sees its items; owners, admins and reviewers decide them.

pub mod decide;
pub mod queue;
mod words;

pub use decide::decide;
pub use queue::{pending_count, queue};

/// Items of one page of the queue.
pub const PAGE: u64 = 100;
/// Longest comment kept with a decision.
pub const MAX_COMMENT: usize = 2000;
