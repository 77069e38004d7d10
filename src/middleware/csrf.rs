//! Refuses cross-site requests that could change something. Browsers say where a request
//! comes from (`Sec-Fetch-Site`, else `Origin`); a mutating request must come from this
//! console itself. The runtime API is exempt: it authenticates with bearer tokens, which
//! a browser never attaches on its own; so are trigger URLs (`/hooks/`), whose secret
//! path is the credential.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;
use app::AppError;

pub const RUNTIME_PREFIX: &str = "/api/runtime/";

fn same_origin(request: &Request, state: &AppState) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `none`: typed into the address bar or a bookmark; never from another page.
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin = origin.to_ascii_lowercase();
    if state.web.public_origin.as_deref() == Some(origin.as_str()) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    match (origin.split_once("://"), host) {
        (Some((_, authority)), Some(host)) => authority == host,
        _ => false,
    }
}

pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    let exempt = path.starts_with(RUNTIME_PREFIX) || path.starts_with(crate::hooks::PREFIX);
    if safe || exempt || same_origin(&request, &state) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    AppError::Forbidden.into_response()
}
