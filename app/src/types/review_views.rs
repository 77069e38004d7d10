//! What the review queue page receives and sends.

use serde::{Deserialize, Serialize};

use super::{ActivityChoice, AttestationView, GateView};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFilter {
    /// `action` (runtime actions at grant level `approval`), `release` (kill-switch
    /// releases) or `promotion` (stage promotions); `None`: every kind.
    pub kind: Option<String>,
    /// One space's items; `None`: every space the member reaches.
    pub space: Option<String>,
    /// Only items waiting at least this many hours.
    pub older_than_hours: Option<u32>,
    /// `decided`: the most recently decided items instead of the waiting ones.
    pub show: Option<String>,
}

/// One item of the queue, with what a reviewer needs to decide it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub id: String,
    /// `action`, `release` or `promotion`.
    pub kind: String,
    pub kind_label: String,
    /// Empty for a tenant-wide switch's release.
    pub space_id: String,
    pub space_name: String,
    /// Who or what it is about: the persona of an action, the target of a switch.
    pub about: String,
    /// That thing's page, when it has one.
    pub about_href: Option<String>,
    /// The headline reads `{before} {about} {after} {subject}`: "Ava wants to write ·
    /// CRM › update_contact · production", "Release the persona switch on Ava".
    pub before: String,
    pub after: String,
    /// What is asked, in a line: "write · CRM › update_contact · production".
    pub subject: String,
    /// Who asked: for an action, the runtime token's name and visible prefix; for a
    /// release, the person.
    pub asked_by: String,
    pub asked_at: String,
    /// How long it has waited (or waited before it was decided), in words.
    pub age: String,
    /// When a waiting item expires (actions only).
    pub expires_at: Option<String>,
    /// The runtime's own account of what it is about to do.
    pub summary: String,
    /// Facts the system checked, one per line.
    pub evidence: Vec<String>,
    /// `pending`, `approved`, `rejected` or `expired`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    /// Whether this member may approve or reject it.
    pub can_decide: bool,
    /// A promotion's gates, checked as the page was built.
    #[serde(default)]
    pub gates: Vec<GateView>,
    /// A promotion's approvals so far, in a line ("1 of 2 approvals").
    #[serde(default)]
    pub approvals: Option<String>,
    /// A promotion's written attestations.
    #[serde(default)]
    pub attestations: Vec<AttestationView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueueView {
    pub items: Vec<ReviewItem>,
    /// The spaces this member reaches (the space filter's choices).
    pub spaces: Vec<ActivityChoice>,
    /// Waiting items across every space the member reaches, whatever the filter.
    pub pending_total: u64,
    /// True when more matched than the page shows.
    pub truncated: bool,
}

/// A reviewer's answer to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDecision {
    pub item_id: String,
    /// `approve` or `reject`.
    pub verdict: String,
    /// Required to reject; optional to approve.
    #[serde(default)]
    pub comment: String,
}
