//! One module an area. Areas not built yet say so.

mod login;
mod not_built;
mod not_found;
mod overview;
mod shell;

pub use login::LoginPage;
pub use not_built::{Area, NotBuiltYet};
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use shell::Shell;
