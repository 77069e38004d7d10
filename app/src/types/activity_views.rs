//! What the Activity page receives: runtime decisions and reported events, newest first.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFilter {
    /// `None`: the first space the member reaches.
    pub space: Option<String>,
    pub persona: Option<String>,
    pub capability: Option<String>,
    /// `allow`, `deny`, `needs_approval`, or `event` (reported events only).
    pub decision: Option<String>,
    /// Only what happened in the last this-many hours.
    pub hours: Option<u32>,
}

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    /// `d123` or `e45`: unique across both kinds, for keyed lists.
    pub key: String,
    pub at: String,
    pub persona_id: String,
    pub persona_name: String,
    /// `decision` or `event`.
    pub kind: String,
    /// For a decision: allow / deny / needs_approval. For an event: its kind.
    pub outcome: String,
    pub capability: Option<String>,
    pub action: Option<String>,
    pub access: Option<String>,
    pub environment: Option<String>,
    /// The contract's reason code (decisions only).
    pub reason: Option<String>,
    /// Why, in words: for a deny, what stopped it and what would let it through.
    pub explanation: String,
    /// Which runtime asked: the token's name and visible prefix.
    pub via: String,
    pub approval_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub space_id: String,
    pub space_name: String,
    pub spaces: Vec<ActivityChoice>,
    pub personas: Vec<ActivityChoice>,
    pub capabilities: Vec<String>,
    pub items: Vec<ActivityItem>,
    /// True when more matched than the page shows.
    pub truncated: bool,
}
