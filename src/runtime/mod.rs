//! The runtime API (`/api/runtime/v1`, RUNTIME-API.md): what persona runtimes call with a
//! runtime token. Handlers are thin; every rule is in `app::domain::runtime`.

pub mod error;
pub mod extract;
pub mod handlers;
pub mod openapi;
pub mod rate_limit;
pub mod schema;
pub mod stream;

use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;
use tower_governor::GovernorLayer;

use self::error::ApiError;
use crate::state::AppState;

pub const PREFIX: &str = "/api/runtime/v1";

pub async fn unknown_route() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        "no such runtime API endpoint; see /api/runtime/v1/openapi.json",
    )
}

/// The runtime routes, rate limited per token (the OpenAPI document is not).
pub fn routes(limit: rate_limit::RateLimit) -> Router<AppState> {
    let limited = Router::new()
        .route("/personas/{persona_id}/policy", get(handlers::get_policy))
        .route("/decisions", post(handlers::post_decision))
        .route("/approvals/{approval_id}", get(handlers::get_approval))
        .route("/events", post(handlers::post_events))
        .route("/stream", get(stream::get_stream));
    let limited = match rate_limit::config(limit) {
        Some(config) => {
            rate_limit::spawn_cleanup(config.clone());
            limited.layer(GovernorLayer::new(Arc::clone(&config)).error_handler(rate_limit::refuse))
        }
        None => limited,
    };
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .merge(limited)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method; see /api/runtime/v1/openapi.json",
    )
}
