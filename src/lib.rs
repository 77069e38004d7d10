//! The server shell of Persona Console: configuration, the HTTP surface, sessions and the
//! command line. The product's rules live in `app::domain`.

pub mod activity_live;
pub mod assets;
pub mod audit_export;
pub mod auth_routes;
pub mod config;
pub mod console_live;
pub mod evaluation_export;
pub mod health;
pub mod hooks;
pub mod listen;
pub mod login_url;
pub mod middleware;
pub mod request_span;
pub mod router;
pub mod runtime;
pub mod server;
pub mod sessions;
pub mod state;
pub mod token_cli;
