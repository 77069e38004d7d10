//! What server functions hand to pages.

use super::{PersonaId, Role, SpaceId, TenantId};
use serde::{Deserialize, Serialize};

/// Who is signed in, for the shell's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub email: String,
    pub display_name: String,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub role: Role,
    /// Review-queue items waiting in the spaces this member reaches (the navigation
    /// shows the count).
    pub pending_reviews: u64,
    /// Engaged kill-switches this member can see, by name ("Persona Otto"): the banner
    /// across the top of every page.
    #[serde(default)]
    pub engaged_switches: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewView {
    pub tenant_name: String,
    pub spaces: Vec<SpaceSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceSummary {
    pub id: SpaceId,
    pub name: String,
    pub description: String,
    pub personas: Vec<PersonaSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaSummary {
    pub id: PersonaId,
    pub name: String,
    pub role_description: String,
    pub stage: u8,
    pub status: String,
}

/// The four rollout stages, by number: the contract's machine key and the words
/// operators use. One table, so the API and the pages cannot drift apart.
const STAGES: [(&str, &str); 4] = [
    ("pilot", "Pilot"),
    ("bounded_production", "Bounded production"),
    ("broader_capability_exposure", "Broader capability exposure"),
    ("deep_embedding", "Deep embedding"),
];

fn stage_entry(stage: u8) -> Option<&'static (&'static str, &'static str)> {
    STAGES.get(usize::from(stage).checked_sub(1)?)
}

/// A stage in the words operators use.
pub fn stage_name(stage: u8) -> &'static str {
    stage_entry(stage).map_or("Unknown stage", |s| s.1)
}

/// A stage's machine name in the runtime contract (`pilot`, `bounded_production`, …).
pub fn stage_key(stage: u8) -> &'static str {
    stage_entry(stage).map_or("unknown", |s| s.0)
}
