//! Types shared by the server and the browser: typed ids, roles, and what pages receive.

mod ids;
mod roles;
mod views;

pub use ids::*;
pub use roles::*;
pub use views::*;
