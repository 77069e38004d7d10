//! What the spaces and capabilities pages receive.

use serde::{Deserialize, Serialize};

use super::{
    ActionKind, AppId, AppKind, BuiltIn, CapabilityId, PersonaSummary, RiskFlags, Role, SpaceId,
    SystemKind,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpacesView {
    pub spaces: Vec<SpaceListItem>,
    /// Whether the viewer may create a space (the form is shown only then).
    pub can_create: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceListItem {
    pub id: SpaceId,
    pub name: String,
    pub description: String,
    pub persona_count: u64,
    pub app_count: u64,
    pub capability_count: u64,
    /// The role the viewer acts with here (their tenant role or their team's).
    pub your_role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceDetailView {
    pub id: SpaceId,
    pub name: String,
    pub description: String,
    pub your_role: Role,
    pub can_edit: bool,
    pub environments: Vec<String>,
    pub apps: Vec<AppView>,
    pub personas: Vec<PersonaSummary>,
    pub capabilities: Vec<CapabilityView>,
    /// Members who may own or be on call for a persona here.
    pub members: Vec<MemberRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppView {
    pub id: AppId,
    pub name: String,
    pub kind: AppKind,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilitySource {
    BuiltIn(BuiltIn),
    External { kind: SystemKind, endpoint: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityView {
    /// `None` for a built-in this space has never enabled.
    pub id: Option<CapabilityId>,
    pub key: String,
    pub name: String,
    pub source: CapabilitySource,
    pub enabled: bool,
    pub actions: Vec<ActionView>,
    /// Grants naming this capability (what disabling it would end); `None` where the
    /// page does not show it (the persona page, which skips the count to stay fast).
    pub grant_count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub name: String,
    pub kind: ActionKind,
    pub risk: RiskFlags,
}

/// A member, for pickers and for showing who owns what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRef {
    pub user_id: super::UserId,
    pub display_name: String,
    pub email: String,
}

/// The grants that disabling a capability would end, for the confirmation step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisableImpact {
    pub capability_name: String,
    pub grants: Vec<AffectedGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedGrant {
    pub persona_name: String,
    pub action_name: Option<String>,
    pub access: super::Access,
}

/// Every capability of every space the viewer reaches, for the catalog page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogView {
    pub spaces: Vec<CatalogSpace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSpace {
    pub id: SpaceId,
    pub name: String,
    pub can_edit: bool,
    pub capabilities: Vec<CapabilityView>,
}
