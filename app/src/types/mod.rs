//! Types shared by the server and the browser: typed ids, roles, and what pages receive.

mod activity_views;
mod admin_views;
mod evaluation_views;
mod ids;
mod killswitch_views;
mod model;
mod persona_views;
mod review_views;
mod roles;
mod rollout_views;
mod space_views;
mod token_views;
mod views;

pub use activity_views::*;
pub use admin_views::*;
pub use evaluation_views::*;
pub use ids::*;
pub use killswitch_views::*;
pub use model::*;
pub use persona_views::*;
pub use review_views::*;
pub use roles::*;
pub use rollout_views::*;
pub use space_views::*;
pub use token_views::*;
pub use views::*;
