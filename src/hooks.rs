//! `POST /hooks/kill-switch/{secret}`: a switch's trigger URL, for monitoring systems.
//! The secret in the path is the credential (no session, no token), so the route is
//! outside the console's cross-site check. The body is empty or `{"reason": "…"}`; the
//! answer is JSON in the runtime API's error shape, and an unknown or malformed secret is
//! a plain 404 with no hint which.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::runtime::error::ApiError;
use crate::state::AppState;
use app::AppError;

pub const PREFIX: &str = "/hooks/";

fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no kill-switch answers to this trigger URL",
    )
    .into_response()
}

pub async fn fire_trigger(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Response {
    let note = if body.iter().all(u8::is_ascii_whitespace) {
        String::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => match map.get("reason") {
                None => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(_) => return ApiError::invalid("reason", "must be a string").into_response(),
            },
            _ => {
                return ApiError::invalid(
                    "body",
                    "send nothing, or a JSON object {\"reason\": \"…\"}",
                )
                .into_response();
            }
        }
    };
    match app::domain::killswitch::trigger::fire(&state.ctx, &secret, &note).await {
        Ok(fired) => {
            if !fired.already_engaged {
                tracing::warn!(scope = %fired.scope, scope_id = %fired.scope_id, "kill-switch engaged by its trigger URL");
            }
            (
                StatusCode::OK,
                Json(json!({
                    "engaged": true,
                    "already_engaged": fired.already_engaged,
                    "switch_id": fired.switch_id,
                    "scope": fired.scope,
                    "scope_id": fired.scope_id,
                })),
            )
                .into_response()
        }
        Err(AppError::NotFound) => not_found(),
        Err(AppError::Invalid { field, message }) => {
            ApiError::invalid(&field, message).into_response()
        }
        Err(e) => ApiError::from_domain(e, "").into_response(),
    }
}
