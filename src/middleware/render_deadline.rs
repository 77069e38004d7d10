//! A deadline on rendering a page. Pages render whole on the server before the first
//! byte is sent; if a render ever stalls (a lost wake-up inside the UI library's
//! Suspense machinery has been seen, rarely, under load), the person would wait forever.
//! Instead the render is abandoned after `DEADLINE`, logged, and tried once more (a page
//! GET changes nothing, so a second try is safe); if that stalls too, the answer is a
//! plain 503 that says to reload.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

use app::AppError;

/// Far above any real render (milliseconds), far below a person giving up.
pub const DEADLINE: Duration = Duration::from_secs(8);

/// Paths that are not rendered pages: their handlers stream or answer on their own.
fn is_page(request: &Request<Body>) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && ![
            "/api/",
            "/pkg/",
            "/audit/export",
            "/live/",
            "/healthz",
            "/readyz",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

pub async fn render_deadline(request: Request<Body>, next: Next) -> Response {
    if !is_page(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let retry = Request::from_parts(parts.clone(), Body::empty());
    let first = Request::from_parts(parts, body);
    let path = first.uri().path().to_string();
    match tokio::time::timeout(DEADLINE, next.clone().run(first)).await {
        Ok(response) => return response,
        Err(_) => tracing::error!(%path, "page render stalled; trying once more"),
    }
    match tokio::time::timeout(DEADLINE, next.run(retry)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%path, "page render stalled twice; answering 503");
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>Try again · Persona Console</title></head><body>\
                 <h1>This page took too long</h1><p>{}</p>\
                 <p><a href=\"\">Reload the page</a></p></body></html>",
                AppError::Unavailable
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        }
    }
}
