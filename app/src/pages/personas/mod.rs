//! Personas: the filtered list and one persona's page with its grant matrix.

mod detail;
mod grants;
mod list;
mod rollout;

pub use rollout::GateList;

pub use detail::PersonaDetailPage;
pub use list::PersonasPage;
