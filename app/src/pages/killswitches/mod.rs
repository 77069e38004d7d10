//! Kill-switches: stop a tenant, space, app, persona or capability at once; ask a second
//! person to release; practise with a drill. Without JavaScript every form is a plain
//! POST that comes back here.

mod row;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::CopyButton;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::killswitches::{StopKillSwitch, get_kill_switches};
use crate::types::{KillSwitchesView, SwitchChoice};
use row::SwitchRow;

#[component]
pub fn KillSwitchesPage() -> impl IntoView {
    let stop = ServerAction::<StopKillSwitch>::new();
    // Bumped by every row's forms, so the table reloads after any change.
    let changed = RwSignal::new(0usize);
    let switches = Resource::new(
        move || (stop.version().get(), changed.get()),
        |_| get_kill_switches(),
    );
    view! {
        <Title text="Kill-switches" />
        <h1>"Kill-switches"</h1>
        <p class="lead">"Stop a tenant, space, app, persona or capability at once. Every connected runtime hears it, and every decision it covers is denied until it is released. Releasing needs a second person, in the review queue."</p>
        <Suspense fallback=|| view! { <Loading what="the kill-switches" /> }>
            {move || Suspend::new(async move {
                match switches.await {
                    Ok(view) => view! { <SwitchesBody view stop changed /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SwitchesBody(
    view: KillSwitchesView,
    stop: ServerAction<StopKillSwitch>,
    changed: RwSignal<usize>,
) -> impl IntoView {
    let engaged: Vec<String> = view
        .switches
        .iter()
        .filter(|s| s.engaged)
        .map(|s| format!("{} {}", s.scope_label, s.target_name))
        .collect();
    view! {
        {(!engaged.is_empty()).then(|| view! {
            <div class="banner danger" role="alert">
                <strong>{if engaged.len() == 1 { "1 switch engaged: ".to_string() } else { format!("{} switches engaged: ", engaged.len()) }}</strong>
                {engaged.join(", ")}
                {if engaged.len() == 1 { ". Runtimes under it are stopped." } else { ". Runtimes under them are stopped." }}
            </div>
        })}
        {(!view.choices.is_empty()).then(|| view! { <StopForm choices=view.choices.clone() stop /> })}
        {if view.switches.is_empty() {
            view! { <section class="card empty"><p>"No switch has been engaged or drilled yet. Use the form above to stop something, or run a drill to practise."</p></section> }.into_any()
        } else {
            view! {
                <section class="card">
                    <h2>"Every switch"</h2>
                    <div class="table-scroll">
                        <table class="switches">
                            <caption class="visually-hidden">"Kill-switches, engaged ones first"</caption>
                            <thead><tr>
                                <th scope="col">"What"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Why, who, when"</th>
                                <th scope="col">"Last drill"</th>
                                <th scope="col">"Actions"</th>
                            </tr></thead>
                            <tbody>
                                {view.switches.into_iter().map(|s| view! { <SwitchRow switch=s changed /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }.into_any()
        }}
    }
}

#[component]
fn StopForm(choices: Vec<SwitchChoice>, stop: ServerAction<StopKillSwitch>) -> impl IntoView {
    let value = stop.value();
    let pending = stop.pending();
    let mut groups: Vec<(String, Vec<SwitchChoice>)> = Vec::new();
    for c in choices {
        match groups.iter_mut().find(|(g, _)| *g == c.group) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.group.clone(), vec![c])),
        }
    }
    // Effects run only in the browser: without it a trigger URL could not be shown once.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let done = move || {
        value.with(|v| match v {
            Some(Ok(outcome)) if outcome.done == "drilled" => Some(format!(
                "Drill done: engaged and released. Every connected runtime stream had the stop within {} ms.",
                outcome.propagation_ms.unwrap_or(0)
            )),
            Some(Ok(outcome)) if outcome.done == "trigger" => None,
            Some(Ok(_)) => Some("Engaged. Connected runtimes have been told; decisions under it are denied.".to_string()),
            _ => None,
        })
    };
    view! {
        <section class="card">
            <h2>"Stop something"</h2>
            <ActionForm action=stop attr:class="stack stop-form">
                <label for="ks-target">"What to stop"</label>
                <select id="ks-target" name="target" required aria-describedby="ks-target-error" aria-invalid=invalid(value, "target")>
                    <option value="">"Choose…"</option>
                    {groups.into_iter().map(|(group, list)| view! {
                        <optgroup label=group>
                            {list.into_iter().map(|c| view! { <option value=c.value>{c.label}</option> }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
                <FieldError id="ks-target-error" error=field_error(value, "target") />
                <label for="ks-reason">"Why "<span class="muted">"(needed to engage; the people who release it read this)"</span></label>
                <textarea id="ks-reason" name="reason" rows="2" maxlength="2000" aria-describedby="ks-reason-error" aria-invalid=invalid(value, "reason")></textarea>
                <FieldError id="ks-reason-error" error=field_error(value, "reason") />
                <div class="form-actions">
                    <button type="submit" name="mode" value="engage" class="button-danger" disabled=move || pending.get()>"Engage now"</button>
                    <button type="submit" name="mode" value="drill" class="button-secondary" disabled=move || pending.get()>"Run a drill"</button>
                    <button type="submit" name="mode" value="trigger" class="button-secondary" disabled=move || pending.get() || !hydrated.get()>"Create a trigger URL"</button>
                </div>
                {move || (!hydrated.get()).then(|| view! {
                    <p class="muted small">"Creating a trigger URL needs JavaScript: the URL is shown once, in the page."</p>
                })}
                <p class="muted small">"A drill engages and releases in one step, to practise and to measure how fast runtimes hear a stop. Decisions in that moment are denied."</p>
                <p class="muted small">"A trigger URL lets a monitoring system stop it without a person: it POSTs to the URL (optionally with {\"reason\": \"…\"}). Creating one again rotates it: the old URL stops at once."</p>
                <p class="ok" role="status">{done}</p>
                {move || value.with(|v| match v {
                    Some(Ok(outcome)) => outcome.trigger_url.clone(),
                    _ => None,
                }).map(|url| view! { <TriggerUrl url /> })}
                <FormStatus pending value success="" />
            </ActionForm>
        </section>
    }
}

/// A new trigger URL, shown once, with a copy button.
#[component]
pub fn TriggerUrl(url: String) -> impl IntoView {
    view! {
        <div class="notice notice-secret" role="status">
            <p><strong>"Trigger URL — copy it now, it is shown only once."</strong></p>
            <label for="ks-trigger-url">"POST to this URL to engage the switch"</label>
            <input id="ks-trigger-url" type="text" readonly value=url.clone() />
            <CopyButton text=url label="Copy URL" />
        </div>
    }
}
