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

/// `public_origin`: the console's address as users reach it, when configured.
fn same_origin(request: &Request, public_origin: Option<&str>) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `none`: typed into the address bar or a bookmark; never from another page.
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin = origin.to_ascii_lowercase();
    if public_origin == Some(origin.as_str()) {
        return true;
    }
    // HTTP/2 carries the host in the request's authority, not a `Host` header.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
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
    if safe || exempt || same_origin(&request, state.web.public_origin.as_deref()) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    AppError::Forbidden.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut request = Request::post(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match request.body(Body::empty()) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_origin_must_name_this_host_over_http1_and_http2() {
        let origin = [("origin", "http://console.test:3000")];
        // HTTP/1: the `Host` header.
        let h1 = post("/api/x", &[origin[0], ("host", "console.test:3000")]);
        assert!(same_origin(&h1, None));
        // HTTP/2: no `Host` header; the authority is in the request's URI.
        let h2 = post("http://console.test:3000/api/x", &origin);
        assert!(same_origin(&h2, None));
        let elsewhere = post("http://evil.test/api/x", &origin);
        assert!(!same_origin(&elsewhere, None));
        // Neither: refused, not guessed.
        assert!(!same_origin(&post("/api/x", &origin), None));
    }

    #[test]
    fn fetch_metadata_and_the_public_url_decide_first() {
        let cross = post("/api/x", &[("sec-fetch-site", "cross-site"), ("host", "a")]);
        assert!(!same_origin(&cross, None));
        let typed = post("/api/x", &[("sec-fetch-site", "none")]);
        assert!(same_origin(&typed, None));
        let proxied = post("/api/x", &[("origin", "https://console.example.com")]);
        assert!(same_origin(&proxied, Some("https://console.example.com")));
        assert!(!same_origin(&post("/api/x", &[]), None));
    }
}
