//! The whole HTTP surface, composed once: pages, server functions, sign-in, health, and
//! the layers around them.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use app::domain::auth::session_auth::IDLE_TIMEOUT_SECS;
use app::{App, AppError, shell};

use crate::middleware::{auth, csrf, headers, render_deadline};
use crate::sessions::DbSessionStore;
use crate::state::AppState;
use crate::{activity_live, audit_export, auth_routes, health};

/// Every request body, on every route, is at most this large.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
/// Largest refused body still read to its end before the 413 (see `json_too_large`).
const DRAIN_CAP: usize = 1024 * 1024;
pub const SESSION_COOKIE: &str = "persona_session";

/// What Leptos renders and server functions run with: the domain context and a fresh
/// CSP nonce per response.
fn leptos_context(ctx: app::domain::Ctx) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(ctx.clone());
        leptos::nonce::provide_nonce();
    }
}

/// The one answer to a body over the limit, wherever it is noticed.
fn too_large() -> Response {
    let body = serde_json::json!({ "error": {
        "code": "payload_too_large",
        "message": format!("the request body is over {} KiB", BODY_LIMIT_BYTES / 1024),
    }});
    (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}

/// Reads the whole body up front, so a body over the limit is answered 413 here, whether
/// or not it declared its length (a streamed one would otherwise fail inside a handler).
async fn limit_body(request: Request<Body>, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, BODY_LIMIT_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

/// The limit layer below refuses a declared length in plain text: answer JSON instead.
async fn json_too_large(request: Request<Body>, next: Next) -> Response {
    // A body declared over the limit is refused, but read and thrown away first (up to
    // DRAIN_CAP, for at most a few seconds): a client still sending it would otherwise
    // see its connection reset instead of the 413.
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT_BYTES && n <= DRAIN_CAP) {
        let drain = axum::body::to_bytes(request.into_body(), DRAIN_CAP);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
        return too_large();
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    response
}

/// Unknown server-function names land here (Leptos routes the known ones itself).
async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    handle_server_fns_with_context(leptos_context(state.ctx.clone()), request).await
}

/// Arguments that cannot be decoded fail inside the server-function library, before our
/// code can set a status, and it answers 500. They are the client's mistake: say 400.
async fn bad_arguments_are_bad_requests(request: Request<Body>, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT_BYTES).await else {
        return AppError::Internal.into_response();
    };
    if let Ok(AppError::Request { .. }) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.ctx.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.web.secure_cookies)
        .with_path("/")
        // Saved on every request, so the idle timeout counts from the last request.
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(Duration::seconds(IDLE_TIMEOUT_SECS)));

    Router::new()
        .route("/auth/login", post(auth_routes::login))
        .route("/auth/logout", post(auth_routes::logout))
        // Server functions answer POST only: no GET encoding can change anything.
        .route("/api/{*fn_name}", post(server_fn_handler))
        .route("/audit/export", get(audit_export::export))
        .route(
            "/evaluations/{id}/export",
            get(crate::evaluation_export::export),
        )
        .route(
            "/shared/evaluations/{secret}/export",
            get(crate::evaluation_export::export_shared),
        )
        .route("/live/activity", get(activity_live::activity))
        .route("/live/console", get(crate::console_live::console))
        .leptos_routes_with_context(
            &state,
            routes,
            leptos_context(state.ctx.clone()),
            move || shell(options.clone()),
        )
        // Sessions and the actor only for the routes above: static files, health checks
        // and 404s never load (or, with always_save, rewrite) a session.
        .route_layer(from_fn_with_state(state.clone(), auth::load_session_actor))
        .route_layer(sessions)
        // The runtime API authenticates with bearer tokens, never with the session.
        .nest(
            crate::runtime::PREFIX,
            crate::runtime::routes(state.web.runtime_rate),
        )
        // Other paths under the runtime prefix (another version, a typo) answer the
        // runtime's JSON 404, not the console's server-function routes.
        .route(
            "/api/runtime/{*rest}",
            axum::routing::any(crate::runtime::unknown_route),
        )
        // A trigger URL's secret is its credential: no session, no cross-site check.
        .route(
            "/hooks/kill-switch/{secret}",
            post(crate::hooks::fire_trigger),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn(bad_arguments_are_bad_requests))
        .layer(from_fn(render_deadline::render_deadline))
        .layer(from_fn_with_state(state.clone(), csrf::reject_cross_site))
        .layer(from_fn_with_state(state.clone(), headers::security_headers))
        .layer(from_fn(limit_body))
        // Refuses a declared Content-Length over the limit before reading anything.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(from_fn(json_too_large))
        .layer(TraceLayer::new_for_http().make_span_with(crate::request_span::make_span))
        .with_state(state)
}
