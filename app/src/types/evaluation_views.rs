//! What the evaluation pages receive: an evaluation's items grouped by the buyer's
//! questions, the readiness level they add up to, and the report people share.

use serde::{Deserialize, Serialize};

/// The stepper's steps: the five questions, the launch steps, then the summary (the
/// last). The server clamps stored steps to it and the page draws that many.
pub const EVALUATION_STEPS: u8 = 7;

/// Where one item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Pass,
    /// Worth a look, but it does not hold the level back.
    Warning,
    Fail,
    /// An attested item nobody has attested yet.
    Open,
    /// An attestation older than 90 days.
    Stale,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pass => "pass",
            ItemStatus::Warning => "warning",
            ItemStatus::Fail => "fail",
            ItemStatus::Open => "open",
            ItemStatus::Stale => "stale",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Pass => "Pass",
            ItemStatus::Warning => "Warning",
            ItemStatus::Fail => "Fail",
            ItemStatus::Open => "Not answered",
            ItemStatus::Stale => "Stale",
        }
    }

    /// Whether the item lets its level count.
    pub fn counts(self) -> bool {
        matches!(self, ItemStatus::Pass | ItemStatus::Warning)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub href: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestedView {
    pub statement: String,
    pub by: String,
    pub at: String,
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub key: String,
    /// 1–5: the buyer's questions; 6: the launch steps.
    pub question: u8,
    /// The readiness level (1–4) this item belongs to.
    pub level: u8,
    /// Checked from live data (true) or attested by a person (false).
    pub automatic: bool,
    pub title: String,
    /// Why it matters, in one sentence.
    pub why: String,
    pub status: ItemStatus,
    /// What was found (for an automatic item) or what to attest (for an open one).
    pub detail: String,
    pub evidence: Option<LinkView>,
    pub attestation: Option<AttestedView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub number: u8,
    pub title: String,
    /// The buyer's question, in their words.
    pub asks: String,
    pub items: Vec<ItemView>,
}

/// The report: what a buyer shares, prints and exports, and what a snapshot keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub evaluation_id: String,
    pub title: String,
    pub tenant_name: String,
    pub space_name: String,
    pub persona_name: Option<String>,
    /// `in_progress` or `completed`.
    pub state: String,
    pub generated_at: String,
    pub completed_at: Option<String>,
    /// 0 (not ready for a pilot) to 4.
    pub level: u8,
    pub level_name: String,
    /// What holds the next level back, a line per item.
    pub blockers: Vec<String>,
    /// Items nobody has answered yet (attestations missing or stale).
    pub open_items: Vec<String>,
    pub questions: Vec<QuestionView>,
}

/// A change between the last completed snapshot and now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotView {
    pub id: String,
    pub taken_at: String,
    pub taken_by: String,
    pub level: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareView {
    pub id: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// The evaluation page: the report, plus where the evaluator stands and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationView {
    pub report: ReportView,
    pub space_id: String,
    pub persona_id: Option<String>,
    /// The question to resume on (1–6).
    pub step: u8,
    /// Attested items with a fresh statement, of all attested items.
    pub statements_written: u32,
    pub statements: u32,
    /// Automatic items that pass (or only warn), of all automatic items.
    pub checks_ready: u32,
    pub checks: u32,
    /// Since the last completed snapshot (empty when there is none).
    pub changes: Vec<ChangeView>,
    pub snapshots: Vec<SnapshotView>,
    pub shares: Vec<ShareView>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSummaryView {
    pub id: String,
    pub title: String,
    pub space_name: String,
    pub persona_name: Option<String>,
    pub state: String,
    /// The level of the last completed run (`None`: never completed).
    pub last_level: Option<u8>,
    pub updated_at: String,
}

/// A space (with its personas) an evaluation can be started for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationTargetView {
    pub space_id: String,
    pub space_name: String,
    pub personas: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationsPageView {
    pub evaluations: Vec<EvaluationSummaryView>,
    pub targets: Vec<EvaluationTargetView>,
    pub can_start: bool,
}

/// A share link just made: the URL is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShareView {
    pub url_path: String,
    pub expires_at: String,
}

/// The readiness levels, by the rollout stage each one prepares for.
pub fn level_name(level: u8) -> &'static str {
    match level {
        0 => "Not ready for a pilot",
        1 => "Ready for a pilot",
        2 => "Ready for bounded production",
        3 => "Ready for broader exposure",
        _ => "Ready for deep embedding",
    }
}
