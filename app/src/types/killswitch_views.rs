//! What the kill-switch page receives.

use serde::{Deserialize, Serialize};

/// One switch: what it stops, whether it holds, and what this member may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchView {
    pub id: String,
    /// `tenant`, `space`, `app`, `persona` or `capability`.
    pub scope: String,
    pub scope_label: String,
    /// `scope:id`, as the engage and drill forms send it.
    pub target: String,
    pub target_name: String,
    /// The space it lies in (empty for the tenant).
    pub space_name: String,
    pub engaged: bool,
    pub reason: String,
    pub engaged_by: Option<String>,
    pub engaged_at: Option<String>,
    pub released_by: Option<String>,
    pub released_at: Option<String>,
    pub last_drill_at: Option<String>,
    pub last_drill_by: Option<String>,
    pub last_drill_ms: Option<i64>,
    /// A release request waiting in the review queue: who asked.
    pub release_requested_by: Option<String>,
    pub can_request_release: bool,
    pub can_break_glass: bool,
    pub can_drill: bool,
    /// The trigger URL's visible prefix (`kst_abc123`), when the switch has one.
    #[serde(default)]
    pub trigger_prefix: Option<String>,
    #[serde(default)]
    pub trigger_fired_at: Option<String>,
    /// Whether this member may issue, rotate or remove its trigger URL.
    #[serde(default)]
    pub can_manage_trigger: bool,
}

/// Something a switch can stop, for the engage form: `value` is `scope:id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchChoice {
    pub value: String,
    pub label: String,
    /// The group it is listed under (the tenant, or a space's name).
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillSwitchesView {
    /// Engaged ones first, then by level.
    pub switches: Vec<SwitchView>,
    /// Empty when this member may not engage anything.
    pub choices: Vec<SwitchChoice>,
}
