//! The runtime API's error shape: `{"error": {"code", "message"}}` with the contract's
//! status codes. Messages are written for the engineer wiring up a runtime: they say
//! what to change, and never echo a token.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use app::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("{field}: {message}"),
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "send a valid runtime token as 'Authorization: Bearer psn_…'; this one is missing, malformed, expired or revoked",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "nothing with that id is within this token's reach",
        )
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "this token sent too many requests; wait for Retry-After seconds",
            )
        }
    }

    /// A domain error, for an endpoint that needs `scope`.
    pub fn from_domain(err: AppError, scope: &str) -> Self {
        match err {
            AppError::Unauthenticated | AppError::InvalidCredentials => Self::unauthenticated(),
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("this token lacks the '{scope}' scope; issue one that carries it"),
            ),
            AppError::NotFound => Self::not_found(),
            AppError::Invalid { field, message } => Self::invalid(&field, message),
            AppError::Request { message } => {
                Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
            }
            AppError::Conflict { message } => Self::new(StatusCode::CONFLICT, "conflict", message),
            AppError::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            AppError::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the console cannot reach its database right now; retry shortly",
            ),
            AppError::Internal => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong on the console's side; it has been logged",
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}
