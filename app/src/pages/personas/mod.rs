//! Personas: the filtered list and one persona's page with its grant matrix.

mod detail;
mod grants;
mod list;

pub use detail::PersonaDetailPage;
pub use list::PersonasPage;
