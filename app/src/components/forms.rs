//! What every form shows: each field's own error beside it, one status line for the
//! rest (saving…, saved, or what went wrong), so a person always knows where they stand.

use leptos::prelude::*;

use crate::AppError;

/// The message for `field` when the last submission failed on it.
pub fn field_error<T, S>(
    value: S,
    field: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    move || {
        value.with(|v| match v {
            Some(Err(AppError::Invalid { field: f, message })) if f == field => {
                Some(message.clone())
            }
            _ => None,
        })
    }
}

/// A labelled field's error line, announced to screen readers when it appears.
#[component]
pub fn FieldError(
    #[prop(into)] id: String,
    error: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert">
            {move || error().map(|message| format!("⚠ {message}"))}
        </p>
    }
}

/// Pending, success or a non-field failure of a form's action.
#[component]
pub fn FormStatus<T, S>(
    pending: Memo<bool>,
    value: S,
    #[prop(into)] success: String,
) -> impl IntoView
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    view! {
        <div class="form-status" aria-live="polite">
            {move || {
                if pending.get() {
                    return view! {
                        <span class="loading"><span class="spinner" aria-hidden="true"></span>"Saving…"</span>
                    }.into_any();
                }
                let state = value.with(|v| match v {
                    Some(Ok(_)) => Some(Ok(())),
                    Some(Err(AppError::Invalid { .. })) => Some(Err(None)),
                    Some(Err(error)) => Some(Err(Some(error.to_string()))),
                    None => None,
                });
                match state {
                    // The form says what succeeded itself (its outcome varies).
                    Some(Ok(())) if success.is_empty() => ().into_any(),
                    Some(Ok(())) => view! { <span class="ok">"✓ "{success.clone()}</span> }.into_any(),
                    Some(Err(None)) => view! {
                        <span class="error-text">"Nothing was saved: check the field marked above."</span>
                    }.into_any(),
                    Some(Err(Some(message))) => view! {
                        <span class="error-text" role="alert">{message}</span>
                    }.into_any(),
                    None => ().into_any(),
                }
            }}
        </div>
    }
}

/// Whether the last submission failed on `field` (for `aria-invalid`).
pub fn invalid<T, S>(
    value: S,
    field: &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    let error = field_error(value, field);
    move || if error().is_some() { "true" } else { "false" }
}
