//! Thin handlers: decode, call one domain service with the token, encode.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::domain::runtime::{approvals, decisions, events, policy};

use super::error::ApiError;
use super::extract::{Bearer, JsonBody};
use super::schema::{
    ApprovalResponse, DecisionRequest, DecisionResponse, ErrorBody, EventsRequest, EventsResponse,
    PolicyResponse,
};
use crate::state::AppState;

/// Whether `If-None-Match` names this ETag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

#[utoipa::path(
    get,
    path = "/api/runtime/v1/personas/{persona_id}/policy",
    params(("persona_id" = String, Path, description = "The persona's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The effective policy", body = PolicyResponse,
         headers(("ETag" = String, description = "Send back as If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag you sent"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    tag = "runtime"
)]
pub async fn get_policy(
    State(state): State<AppState>,
    Bearer(token): Bearer,
    Path(persona_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let answer = policy::policy(&state.ctx, &token, &persona_id)
        .await
        .map_err(|e| ApiError::from_domain(e, "policy:read"))?;
    let etag = HeaderValue::from_str(&answer.etag)
        .map_err(|_| ApiError::from_domain(app::AppError::Internal, "policy:read"))?;
    let mut response = if matches_etag(&headers, &answer.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(axum::body::Bytes::from_owner(answer.body)));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[utoipa::path(
    post,
    path = "/api/runtime/v1/decisions",
    request_body = DecisionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The decision, with its reason", body = DecisionResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ),
    tag = "runtime"
)]
pub async fn post_decision(
    State(state): State<AppState>,
    Bearer(token): Bearer,
    JsonBody(body): JsonBody<DecisionRequest>,
) -> Result<Json<DecisionResponse>, ApiError> {
    let request = decisions::DecisionRequest::from(body);
    let answer = decisions::decide(&state.ctx, &token, &request)
        .await
        .map_err(|e| ApiError::from_domain(e, "decisions:write"))?;
    Ok(Json(DecisionResponse {
        decision: decisions::verdict_str(answer.decision),
        reason: answer.reason.as_str(),
        approval_id: answer.approval_id,
        policy_version: answer.policy_version,
    }))
}

#[utoipa::path(
    get,
    path = "/api/runtime/v1/approvals/{approval_id}",
    params(("approval_id" = String, Path, description = "From a `needs_approval` decision")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The approval's state", body = ApprovalResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    tag = "runtime"
)]
pub async fn get_approval(
    State(state): State<AppState>,
    Bearer(token): Bearer,
    Path(approval_id): Path<String>,
) -> Result<Json<ApprovalResponse>, ApiError> {
    let found = approvals::read_approval(&state.ctx, &token, &approval_id)
        .await
        .map_err(|e| ApiError::from_domain(e, "approvals:read"))?;
    Ok(Json(ApprovalResponse {
        approval_id: found.approval_id,
        state: found.state,
        decided_by: found.decided_by,
        decided_at: found.decided_at,
        comment: found.comment,
    }))
}

#[utoipa::path(
    post,
    path = "/api/runtime/v1/events",
    request_body = EventsRequest,
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Stored; duplicates (same idempotency key) counted once",
         body = EventsResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ),
    tag = "runtime"
)]
pub async fn post_events(
    State(state): State<AppState>,
    Bearer(token): Bearer,
    JsonBody(body): JsonBody<EventsRequest>,
) -> Result<(StatusCode, Json<EventsResponse>), ApiError> {
    let batch = body.into_domain();
    let reported = events::report_events(&state.ctx, &token, &batch)
        .await
        .map_err(|e| ApiError::from_domain(e, "events:write"))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(EventsResponse {
            accepted: reported.accepted,
            duplicates: reported.duplicates,
        }),
    ))
}
