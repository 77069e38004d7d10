//! Small pieces used across pages.

pub mod forms;

use leptos::prelude::*;

use crate::AppError;

/// A failed load, said plainly, with what to do next.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(error.status());
    }
    let hint = match &error {
        AppError::Unauthenticated => Some(view! { <a href="/login">"Sign in again"</a> }),
        _ => None,
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
            {hint}
        </div>
    }
}

/// Shown while a page's data is on its way.
#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </p>
    }
}
