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

/// An RFC 3339 UTC time as people read it: "2026-11-29 04:20 UTC".
pub fn short_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(hm)) => format!("{date} {hm} UTC"),
        _ => rfc3339.to_string(),
    }
}

/// Copies `text` to the clipboard (after hydration; without JavaScript the text beside
/// it can still be selected and copied by hand).
#[component]
pub fn CopyButton(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            // The promise settles on its own; a refusal leaves the text to copy by hand.
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button type="button" class="button-secondary" aria-label=label on:click=copy>
            {move || if copied.get() { "Copied ✓" } else { "Copy" }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_as_date_hour_minute_utc() {
        assert_eq!(
            super::short_time("2026-11-29T04:20:31.5Z"),
            "2026-11-29 04:20 UTC"
        );
        assert_eq!(super::short_time("garbage"), "garbage");
    }
}
