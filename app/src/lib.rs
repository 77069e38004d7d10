//! Persona Console: pages, components and server functions, shared by the server (`ssr`)
//! and the browser (`hydrate`); the domain layer is compiled for the server only.

#![recursion_limit = "256"]

pub mod components;
pub mod csp;
mod error;
pub mod pages;
pub mod server_fns;
pub mod types;

#[cfg(feature = "ssr")]
pub mod domain;

pub use error::AppError;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use pages::{
    ActivityPage, AuditPage, CapabilitiesPage, EvaluationPage, EvaluationReportPage,
    EvaluationsPage, KillSwitchesPage, LoginPage, MembersPage, NotFound, OverviewPage,
    PersonaDetailPage, PersonasPage, ReviewPage, RolloutBoardPage, SharedReportPage, Shell,
    SpaceDetailPage, SpacesPage, TokensPage,
};

/// The HTML document around the app (server side only renders this).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Pages carry a CSP with this response's nonce (the header layer sets a nonce-less one
/// on everything else).
#[cfg(feature = "ssr")]
fn set_security_policy() {
    use http::{HeaderName, HeaderValue};
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&csp::content_security_policy(nonce.as_deref())),
    ) {
        res.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/persona-console.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Persona Console".to_string() } else { format!("{title} · Persona Console") }
        } />
        // Pages render whole on the server (Async), so they read the same without
        // JavaScript; hydration then takes over.
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/shared/evaluations/:secret") view=SharedReportPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=Shell ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("spaces") view=SpacesPage ssr=SsrMode::Async />
                    <Route path=path!("spaces/:id") view=SpaceDetailPage ssr=SsrMode::Async />
                    <Route path=path!("spaces/:id/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("personas") view=PersonasPage ssr=SsrMode::Async />
                    <Route path=path!("personas/:id") view=PersonaDetailPage ssr=SsrMode::Async />
                    <Route path=path!("capabilities") view=CapabilitiesPage ssr=SsrMode::Async />
                    <Route path=path!("members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("rollout") view=RolloutBoardPage ssr=SsrMode::Async />
                    <Route path=path!("review") view=ReviewPage ssr=SsrMode::Async />
                    <Route path=path!("kill-switches") view=KillSwitchesPage ssr=SsrMode::Async />
                    <Route path=path!("activity") view=ActivityPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("evaluations") view=EvaluationsPage ssr=SsrMode::Async />
                    <Route path=path!("evaluations/:id") view=EvaluationPage ssr=SsrMode::Async />
                    <Route path=path!("evaluations/:id/report") view=EvaluationReportPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
