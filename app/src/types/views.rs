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

/// The four rollout stages, by number, in the words operators use.
pub fn stage_name(stage: u8) -> &'static str {
    match stage {
        1 => "Pilot",
        2 => "Bounded production",
        3 => "Broader capability exposure",
        4 => "Deep embedding",
        _ => "Unknown stage",
    }
}
