//! Where server functions find the domain context and the signed-in actor.

use leptos::prelude::use_context;

use crate::AppError;
use crate::domain::{Actor, Ctx};

pub fn ctx() -> Result<Ctx, AppError> {
    use_context::<Ctx>().ok_or_else(|| {
        tracing::error!("domain context missing from the Leptos context");
        AppError::Internal
    })
}

/// The actor the auth layer put on this request, or `Unauthenticated`.
pub fn actor() -> Result<Actor, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Actor>().cloned())
        .ok_or(AppError::Unauthenticated)
}

/// Gives a failed server function the HTTP status of its error (server functions answer
/// 500 for every error otherwise), so clients and logs see 401, 403, 404… as they are.
/// A plain HTML form (no JavaScript) is the exception: the server-function library sends
/// it back to the form's page with the error in the URL, where the page shows it beside
/// the field, and a status set here would turn that redirect into a bare error.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && !from_html_form()
        && let Some(res) = use_context::<leptos_axum::ResponseOptions>()
    {
        res.set_status(error.status());
    }
    result
}

/// Whether the request came from a form posted by the browser itself (a POST that
/// accepts HTML), rather than from the hydrated page's fetch. A page being rendered is a
/// GET that also accepts HTML: its server functions do set the status, so a browser
/// gets the 404 of a missing record as a test client does.
fn from_html_form() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// After a successful create, sends the browser to the new thing: a redirect for a
/// form posted without JavaScript, a client-side navigation otherwise.
pub fn redirect_to(path: &str) {
    leptos_axum::redirect(path);
}

/// Runs a service with the request's context and actor, and gives a failure its HTTP
/// status. A missing actor fails here, with 401, before the service is reached.
pub async fn serve<T>(
    service: impl AsyncFnOnce(&Ctx, &Actor) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let result = async {
        let ctx = ctx()?;
        let actor = actor()?;
        service(&ctx, &actor).await
    }
    .await;
    with_status(result)
}
