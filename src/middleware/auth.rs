//! Turns the session into an `Actor` (in the request's extensions) and sends people who
//! are not signed in to the sign-in page. Authorization itself happens in the domain.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::domain::auth::login::load_actor;
use app::domain::auth::session_auth::{SESSION_KEY, SessionAuth};

use crate::login_url::login_url;
use crate::middleware::client_ip::ClientIp;
use crate::state::AppState;

/// Paths anyone may fetch: sign-in, health, static files, the server-function endpoint
/// (each function checks the actor itself) and the runtime API (bearer tokens).
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/readyz"
        || path.starts_with("/auth/")
        // Shared evaluation reports: the link's secret is the authority.
        || path.starts_with(app::domain::evaluation::share::PATH)
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

pub async fn load_session_actor(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    mut request: Request,
    next: Next,
) -> Response {
    let auth: Option<SessionAuth> = match session.get(SESSION_KEY).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::error!(error = %e, "session store unavailable");
            return app::AppError::Unavailable.into_response();
        }
    };
    let mut ended = false;
    if let Some(auth) = auth {
        match load_actor(&state.ctx, &auth).await {
            Ok(Some(actor)) => {
                let user_agent = request
                    .headers()
                    .get(axum::http::header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let actor = actor.with_origin(ip.map(|ip| ip.to_string()), user_agent);
                request.extensions_mut().insert(actor);
            }
            Ok(None) => {
                // Past the absolute timeout, disabled, or removed: the session is over.
                ended = true;
                if let Err(e) = session.flush().await {
                    tracing::error!(error = %e, "could not end a session");
                }
            }
            Err(e) => return e.into_response(),
        }
    }
    let signed_in = request.extensions().get::<app::domain::Actor>().is_some();
    let path = request.uri().path();
    if !signed_in && request.method() == axum::http::Method::GET && !is_public(path) {
        let next_path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let target = if ended {
            login_url(&[("status", "session_ended"), ("next", next_path)])
        } else {
            login_url(&[("next", next_path)])
        };
        return Redirect::to(&target).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_private_and_sign_in_public() {
        for private in ["/", "/spaces", "/kill-switches", "/loginx"] {
            assert!(!is_public(private), "{private}");
        }
        for public in [
            "/login",
            "/auth/login",
            "/auth/logout",
            "/api/get_overview",
            "/shared/evaluations/evs_x",
        ] {
            assert!(is_public(public), "{public}");
        }
    }
}
