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

/// The authenticated runtime token of the request (shared with the token cache: a
/// request costs no copy of it).
pub struct Bearer(pub std::sync::Arc<RuntimeToken>);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let raw = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| bearer_credential(v.as_bytes()))
            .ok_or_else(ApiError::unauthenticated)?;
        authenticate(&state.ctx, raw)
            .await
            .map(Bearer)
            .map_err(|e| ApiError::from_domain(e, ""))
    }
}

/// The credential of an `Authorization: Bearer …` header value, trimmed; `None` for
/// any other scheme or bytes that are not text.
pub fn bearer_credential(value: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(value).ok()?;
    text.strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .map(str::trim)
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
        // Read before any refusal: an unread body makes the server drop the connection,
        // and a client that reuses it would see a reset instead of the answer.
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is over {} KiB", BODY_LIMIT_BYTES / 1024),
            )
        })?;
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        decode(&bytes).map(JsonBody)
    }
}

/// Decodes JSON, naming where it failed: `access: unknown variant …`, `events[3].kind …`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // The common case pays nothing for path tracking; only a body that fails is decoded
    // again to say where.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::schema::{DecisionRequest, EventsRequest};
    use proptest::prelude::*;

    fn field_of(err: &ApiError) -> &str {
        err.message.split(':').next().unwrap_or_default()
    }

    #[test]
    fn errors_name_the_field_that_did_not_decode() {
        let cases = [
            (
                r#"{"persona_id":"p","capability":"c","access":"delete","environment":"e"}"#,
                "access",
            ),
            (
                r#"{"persona_id":"p","capability":1,"access":"read","environment":"e"}"#,
                "capability",
            ),
            (
                r#"{"persona_id":"p","capability":"c","access":"read","environment":"e","x":1}"#,
                "x",
            ),
            (
                r#"{"persona_id":"p","capability":"c","access":"read","environment":"e","context":{"summary":3}}"#,
                "context.summary",
            ),
            (r#"{"persona_id":"p""#, "body"),
        ];
        for (body, field) in cases {
            let err = decode::<DecisionRequest>(body.as_bytes())
                .err()
                .unwrap_or_else(|| panic!("{body} decoded"));
            assert_eq!(err.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(field_of(&err), field, "{body}: {}", err.message);
        }
        let err = decode::<EventsRequest>(br#"{"events":[{"persona_id":"p","kind":1}]}"#)
            .err()
            .unwrap_or_else(|| panic!("decoded"));
        assert_eq!(field_of(&err), "events[0].kind", "{}", err.message);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever bytes arrive, decoding answers a value or a 400: never a panic.
        #[test]
        fn any_bytes_decode_or_get_a_400(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Err(e) = decode::<DecisionRequest>(&bytes) {
                prop_assert_eq!(e.status, StatusCode::BAD_REQUEST);
            }
            if let Err(e) = decode::<EventsRequest>(&bytes) {
                prop_assert_eq!(e.status, StatusCode::BAD_REQUEST);
            }
        }

        /// Well-formed JSON with any value in any field: a value or a 400 naming a place.
        #[test]
        fn any_json_shape_decodes_or_names_where(
            persona in prop_oneof![Just(json_str("p")), Just("1".to_string()), Just("null".to_string()), Just("[]".to_string())],
            access in prop_oneof![Just(json_str("read")), Just(json_str("write")), Just(json_str("WRITE")), Just("true".to_string()), ".{0,8}".prop_map(|s| json_str(&s))],
            extra in proptest::option::of("[a-z]{1,6}"),
        ) {
            let extra = extra.map(|k| format!(",\"{k}\":0")).unwrap_or_default();
            let body = format!(r#"{{"persona_id":{persona},"capability":"c","access":{access},"environment":"e"{extra}}}"#);
            if let Err(e) = decode::<DecisionRequest>(body.as_bytes()) {
                prop_assert_eq!(e.status, StatusCode::BAD_REQUEST);
                prop_assert!(!field_of(&e).is_empty());
            }
        }
    }

    fn json_str(s: &str) -> String {
        serde_json::Value::String(s.to_string()).to_string()
    }
}
