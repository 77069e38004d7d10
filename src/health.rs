//! Liveness and readiness, for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// The process is up and serving.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and every migration is applied.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match app::domain::db::check_ready(&state.ctx.db).await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(e) => e.into_response(),
    }
}
