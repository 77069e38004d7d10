//! Spaces: the list (with the create form) and one space's page.

mod capabilities;
mod detail;
mod list;
mod stages;
mod tokens;

pub use capabilities::ActionList;
pub use detail::SpaceDetailPage;
pub use list::SpacesPage;
pub use tokens::TokensPage;
