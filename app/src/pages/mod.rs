//! One module an area.

mod activity;
mod audit;
mod capabilities;
mod evaluation;
mod killswitches;
mod live_console;
mod login;
mod members;
mod not_found;
mod overview;
mod personas;
pub(crate) mod review;
mod rollout;
mod shell;
mod spaces;

pub use activity::ActivityPage;
pub use audit::AuditPage;
pub use capabilities::CapabilitiesPage;
pub use evaluation::{EvaluationPage, EvaluationReportPage, EvaluationsPage, SharedReportPage};
pub use killswitches::KillSwitchesPage;
pub use login::LoginPage;
pub use members::MembersPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use personas::{PersonaDetailPage, PersonasPage};
pub use review::ReviewPage;
pub use rollout::RolloutBoardPage;
pub use shell::Shell;
pub use spaces::{SpaceDetailPage, SpacesPage, TokensPage};
