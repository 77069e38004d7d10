//! What the rollout parts of the console receive: a space's stage limits, a persona's
//! stage with what each promotion would expose, its gates and its requests.

use serde::{Deserialize, Serialize};

/// One stage's limits in a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageLimitsView {
    pub stage: u8,
    pub stage_name: String,
    /// `None`: every environment of the space.
    pub environments: Option<Vec<String>>,
    /// Most external capabilities a persona may have active; `None`: no limit.
    pub max_external: Option<u32>,
    /// Most distinct end users a runtime may serve at this stage; `None`: no cap.
    pub audience_cap: Option<u32>,
    /// Approvals a promotion to this stage needs (stage 1 is where personas start).
    pub approvals_required: u8,
    /// Statements a requester must attest to reach this stage.
    pub attestations: Vec<String>,
    /// False while the space uses the defaults.
    pub customized: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLimitsView {
    pub space_id: String,
    pub stages: Vec<StageLimitsView>,
    /// The space's environments (the choices for each stage).
    pub environments: Vec<String>,
    pub can_edit: bool,
}

/// One gate of a promotion, as the system checked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateView {
    /// `on_call`, `drill`, `no_waiting_items`, `limits` or `attestations`.
    pub key: String,
    pub label: String,
    pub passed: bool,
    /// What was found, in a sentence (why it fails, when it does).
    pub detail: String,
}

/// What becomes active at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageExposureView {
    pub stage: u8,
    pub stage_name: String,
    /// At or below the persona's stage.
    pub reached: bool,
    /// Grants whose minimum stage is exactly this one, in a line each.
    pub becomes_active: Vec<String>,
    /// External capabilities active at this stage, and the stage's limit.
    pub external_active: u32,
    pub max_external: Option<u32>,
    /// Where the grants active at this stage break the stage's limits.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationView {
    pub prompt: String,
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalGivenView {
    pub by: String,
    pub at: String,
    pub comment: Option<String>,
    /// False once the grants, the limits or the request changed after it was given.
    pub counts: bool,
    /// Why it no longer counts.
    pub void_reason: Option<String>,
}

/// A stage change of a persona: a promotion request (waiting or decided), a break-glass
/// promotion or a demotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionView {
    pub id: String,
    pub from_stage: u8,
    pub to_stage: u8,
    pub requested_by: String,
    pub requested_at: String,
    pub reason: String,
    pub attestations: Vec<AttestationView>,
    /// `pending`, `approved`, `rejected`, `superseded`, `break_glass` or `demoted`.
    pub state: String,
    pub approvals: Vec<ApprovalGivenView>,
    pub approvals_required: u8,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    /// Whether this member asked for it (and so may edit it, and may not approve it).
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaRolloutView {
    pub persona_id: String,
    pub persona_name: String,
    pub stage: u8,
    pub stage_name: String,
    pub limits: Vec<StageLimitsView>,
    pub exposure: Vec<StageExposureView>,
    /// The gates for the next stage, checked now (empty at stage 4).
    pub next_gates: Vec<GateView>,
    /// What a request for the next stage must attest.
    pub next_attestations: Vec<String>,
    pub pending: Option<PromotionView>,
    /// Earlier stage changes, newest first.
    pub history: Vec<PromotionView>,
    pub can_request: bool,
    pub can_demote: bool,
    pub can_break_glass: bool,
}

/// One persona on the rollout board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCard {
    pub persona_id: String,
    pub name: String,
    pub on_call: Option<String>,
    /// "to stage 3 · 1 of 2 approvals", when a promotion waits.
    pub pending: Option<String>,
    /// What stops it, when a switch at or above it is engaged ("Persona switch").
    pub stopped_by: Option<String>,
    /// Gates for the next stage (none at stage 4).
    pub gates_passed: u8,
    pub gates_total: u8,
    pub failing_gates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: u8,
    pub stage_name: String,
    pub cards: Vec<BoardCard>,
}

/// A server-rendered chart with its text alternative (the same figures as a table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    pub title: String,
    /// One or two sentences saying what the chart shows.
    pub summary: String,
    /// The SVG markup (rendered on the server; no script).
    pub svg: String,
    /// Column headings of the table: the first is the row label ("Day").
    pub headings: Vec<String>,
    pub rows: Vec<(String, Vec<u64>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolloutBoardView {
    pub spaces: Vec<super::ActivityChoice>,
    pub space_id: String,
    pub space_name: String,
    pub columns: Vec<BoardColumn>,
    /// Engaged switches above the personas (tenant, space), in words.
    pub space_stops: Vec<String>,
    pub stages_chart: ChartView,
    pub decisions_chart: ChartView,
}
