//! What the persona pages receive.

use serde::{Deserialize, Serialize};

use super::{Access, CapabilityView, Continuity, GrantId, MemberRef, PersonaId, Role, SpaceId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaListView {
    pub items: Vec<PersonaListItem>,
    /// Pass back to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// How many personas match the filter, across all pages.
    pub total: u64,
    /// Spaces the viewer reaches, for the filter.
    pub spaces: Vec<(SpaceId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaListItem {
    pub id: PersonaId,
    pub name: String,
    pub role_description: String,
    pub space_id: SpaceId,
    pub space_name: String,
    pub stage: u8,
    pub status: String,
}

/// Filters for the persona list; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaFilter {
    pub space: Option<String>,
    pub stage: Option<u8>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaDetailView {
    pub id: PersonaId,
    pub space_id: SpaceId,
    pub space_name: String,
    pub name: String,
    pub role_description: String,
    pub owner: Option<MemberRef>,
    pub on_call: Option<MemberRef>,
    pub continuity: Vec<Continuity>,
    pub stage: u8,
    pub status: String,
    pub version: i32,
    pub your_role: Role,
    pub can_edit: bool,
    pub can_lower_risk: bool,
    pub environments: Vec<String>,
    /// Capabilities enabled in the persona's space (what may be granted).
    pub capabilities: Vec<CapabilityView>,
    pub grants: Vec<GrantView>,
    pub members: Vec<MemberRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: GrantId,
    pub capability_key: String,
    pub capability_name: String,
    /// `None`: the grant covers the whole capability.
    pub action_name: Option<String>,
    pub access: Access,
    pub environments: Vec<String>,
    pub min_stage: u8,
    /// Why a risky action was lowered below `approval`.
    pub reason: Option<String>,
    pub risky: bool,
    pub version: i32,
}
