//! What the members and audit pages receive.

use serde::{Deserialize, Serialize};

use super::{Role, SpaceId, TeamId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersView {
    pub members: Vec<MemberView>,
    pub teams: Vec<TeamView>,
    pub spaces: Vec<(SpaceId, String)>,
    pub can_manage: bool,
    pub can_manage_owners: bool,
    pub you: UserId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub teams: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub id: TeamId,
    pub name: String,
    pub role: Role,
    pub members: Vec<(UserId, String)>,
    pub spaces: Vec<(SpaceId, String)>,
}

/// Shown once after adding a member who had no account: their first password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedMember {
    pub email: String,
    pub temporary_password: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub entity_id: Option<String>,
    /// Show entries with `seq` below this (keyset pagination, newest first).
    pub before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPageView {
    pub entries: Vec<AuditEntryView>,
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub seq: i64,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub actor: String,
    pub actor_role: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The before/after diff, as JSON text.
    pub diff: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}
