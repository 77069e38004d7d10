//! Request extractors of the runtime API: the bearer token, and JSON bodies whose errors
//! name the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use app::domain::tokens::authenticate::{RuntimeToken, authenticate};

use super::error::ApiError;
use crate::router::BODY_LIMIT_BYTES;
use crate::state::AppState;

/// The authenticated runtime token of the request.
pub struct Bearer(pub RuntimeToken);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let raw = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(ApiError::unauthenticated)?;
        authenticate(&state.ctx, raw)
            .await
            .map(Bearer)
            .map_err(|e| ApiError::from_domain(e, ""))
    }
}

/// A JSON body: 415 unless it says `application/json`, 413 over the body limit, 400
/// naming the field for anything that does not decode.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is over {} KiB", BODY_LIMIT_BYTES / 1024),
            )
        })?;
        decode(&bytes).map(JsonBody)
    }
}

/// Decodes JSON, naming where it failed: `access: unknown variant …`, `events[3].kind …`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // serde's own text ends with "at line 1 column 12": useful, but not a field.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid("body", format!("is not valid JSON ({message})"))
        } else if path == "." || path.is_empty() {
            ApiError::invalid("body", message)
        } else {
            ApiError::invalid(&path, message)
        }
    })
}
