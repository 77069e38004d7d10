//! One checklist item: its status in words and colour, why it matters, what was found
//! with a link to the evidence, and — for items a person attests — the statement on
//! record and a form to write it.

use leptos::prelude::*;

use crate::AppError;
use crate::components::short_time;
use crate::server_fns::evaluation::AttestItem;
use crate::types::{ItemStatus, ItemView};

fn icon(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Pass => "✓",
        ItemStatus::Warning => "!",
        ItemStatus::Fail => "✕",
        ItemStatus::Open => "○",
        ItemStatus::Stale => "↻",
    }
}

#[component]
pub fn StatusBadge(status: ItemStatus) -> impl IntoView {
    view! {
        <span class=format!("badge status status-{}", status.as_str())>
            <span aria-hidden="true">{icon(status)}" "</span>{status.label()}
        </span>
    }
}

/// An item as the report shows it (no forms).
#[component]
pub fn ItemSummary(item: ItemView) -> impl IntoView {
    let kind = if item.automatic {
        "Checked by the system"
    } else {
        "Attested by a person"
    };
    view! {
        <div class="item-head">
            <StatusBadge status=item.status />
            <h3>{item.title.clone()}</h3>
            <span class="muted small">{format!("Level {} · {kind}", item.level)}</span>
        </div>
        <p class="muted small why">{item.why.clone()}</p>
        <p class="detail">{item.detail.clone()}
            {item.evidence.clone().map(|e| view! { " "<a href=e.href class="evidence">{format!("Evidence: {}", e.label)}</a> })}
        </p>
        {item.attestation.clone().map(|a| view! {
            <blockquote class="attestation">
                <p>{format!("“{}”", a.statement)}</p>
                <footer class="small muted">{format!("— {}, {}", a.by, short_time(&a.at))}{a.stale.then_some(" · older than 90 days")}</footer>
            </blockquote>
        })}
    }
}

/// An item in the stepper: the summary, plus the attestation form where the viewer may
/// write one.
#[component]
pub fn ItemCard(
    item: ItemView,
    evaluation_id: String,
    can_edit: bool,
    saved: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let key = item.key.clone();
    let form = (can_edit && !item.automatic).then(|| {
        view! { <AttestForm item_key=key.clone() title=item.title.clone() current=item.attestation.as_ref().map(|a| a.statement.clone()).unwrap_or_default() evaluation_id saved notice /> }
    });
    view! {
        <li class=format!("item item-{}", item.status.as_str())>
            <article aria-label=item.title.clone()>
                <ItemSummary item=item.clone() />
                {form}
            </article>
        </li>
    }
}

#[component]
fn AttestForm(
    item_key: String,
    title: String,
    current: String,
    evaluation_id: String,
    saved: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let attest = ServerAction::<AttestItem>::new();
    let shown = attest.value();
    let pending = Memo::new(move |_| attest.pending().get());
    let said = format!("✓ Attested “{title}” in your name.");
    Effect::new(move |_| {
        if shown.with(|v| matches!(v, Some(Ok(())))) {
            notice.set(Some(said.clone()));
            saved.update(|n| *n += 1);
        }
    });
    // A form posted without JavaScript comes back with the error in the URL, seen by
    // every form of this kind: the service names the item in the field, so only the
    // form it belongs to shows it.
    let field = format!("statement:{item_key}");
    let item_field = format!("item:{item_key}");
    let error = Memo::new(move |_| {
        shown.with(|v| match v {
            Some(Err(AppError::Invalid { field: f, message }))
                if *f == field || *f == item_field =>
            {
                Some(message.clone())
            }
            _ => None,
        })
    });
    let other_error = move || {
        shown.with(|v| match v {
            Some(Err(e)) if !matches!(e, AppError::Invalid { .. }) => Some(e.to_string()),
            _ => None,
        })
    };
    let id = format!("att-{}", item_key.replace('.', "-"));
    let has = !current.is_empty();
    view! {
        <ActionForm action=attest attr:class="stack attest-form">
            <input type="hidden" name="evaluation_id" value=evaluation_id />
            <input type="hidden" name="item" value=item_key.clone() />
            <label for=id.clone()>{if has { "Attest again (your statement replaces this one)" } else { "Your statement" }}
                <span class="visually-hidden">{format!(" for “{title}”")}</span></label>
            <textarea id=id.clone() name="statement" rows="2" maxlength="1000"
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=format!("{id}-error")>{current}</textarea>
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get().map(|m| format!("⚠ {m}"))}</p>
            <div class="form-actions">
                <button type="submit" class="button-secondary" disabled=move || pending.get()>"Attest"</button>
                <span class="form-status" aria-live="polite">
                    {move || if pending.get() {
                        view! { <span class="loading"><span class="spinner" aria-hidden="true"></span>"Saving…"</span> }.into_any()
                    } else if let Some(message) = other_error() {
                        view! { <span class="error-text" role="alert">{message}</span> }.into_any()
                    } else {
                        ().into_any()
                    }}
                </span>
            </div>
        </ActionForm>
    }
}
