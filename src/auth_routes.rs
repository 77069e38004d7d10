//! POST /auth/login and POST /auth/logout: plain form posts, so they work before (or
//! without) hydration. Thin: the rules are in `app::domain::auth`.

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use app::AppError;
use app::domain::auth::login::login as domain_login;
use app::domain::auth::session_auth::SESSION_KEY;

use crate::login_url::{login_url, safe_next};
use crate::middleware::client_ip::ClientIp;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Back to the sign-in page with a code the page turns into words. Codes, not messages,
/// travel in the URL, so nobody can put their own text on our sign-in page.
fn back_to_login(error: &AppError, next: &str) -> Response {
    let code = match error {
        AppError::Invalid { field, .. } if field == "email" => "invalid_email",
        AppError::Invalid { .. } => "invalid_password",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::InvalidCredentials => "invalid_credentials",
        AppError::Conflict { .. } => "no_tenant",
        AppError::Unavailable => "unavailable",
        _ => "failed",
    };
    let retry = match error {
        AppError::RateLimited { retry_after_secs } => Some(retry_after_secs.to_string()),
        _ => None,
    };
    let mut params = vec![("error", code)];
    if let Some(retry) = retry.as_deref() {
        params.push(("retry", retry));
    }
    params.push(("next", next));
    let target = login_url(&params);
    let mut response = Redirect::to(&target).into_response();
    // Retry-After says it to scripts too; browsers just follow the 303.
    if let Some(retry) = retry
        && let Ok(value) = axum::http::HeaderValue::from_str(&retry)
    {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Form(form) = match form {
        Ok(form) => form,
        Err(rejection) => {
            // Our error body, with axum's status (400, 413 or 415), which says what was wrong.
            let err = AppError::Request {
                message: "the sign-in form could not be read".into(),
            };
            let mut response = err.into_response();
            *response.status_mut() = rejection.status();
            return response;
        }
    };
    let next = safe_next(&form.next).to_string();
    match domain_login(&state.ctx, &form.email, &form.password, ip).await {
        Ok(auth) => {
            // A new id at the privilege change: a planted or leaked pre-login id is useless.
            let stored = async {
                session.cycle_id().await?;
                session.insert(SESSION_KEY, auth).await
            };
            if let Err(e) = stored.await {
                tracing::error!(error = %e, "could not store the session");
                return back_to_login(&AppError::Unavailable, &next);
            }
            Redirect::to(&next).into_response()
        }
        Err(error) => back_to_login(&error, &next),
    }
}

pub async fn logout(session: Session) -> Response {
    if let Err(e) = session.flush().await {
        tracing::error!(error = %e, "could not end the session");
        return AppError::Unavailable.into_response();
    }
    Redirect::to("/login?status=signed_out").into_response()
}
