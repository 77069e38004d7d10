//! Activity: what persona runtimes asked and reported in a space, newest first, with the
//! reason for every deny in words. While open, the page listens to the server (SSE) and
//! refreshes itself when new activity is written; without JavaScript it is a plain page
//! with a filter form.

mod live;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorNotice, Loading, short_time};
use crate::server_fns::activity::get_activity;
use crate::types::{ActivityFilter, ActivityItem, ActivityView};

const HOURS: [(u32, &str); 4] = [
    (1, "Last hour"),
    (24, "Last 24 hours"),
    (168, "Last 7 days"),
    (720, "Last 30 days"),
];
const OUTCOMES: [(&str, &str); 4] = [
    ("deny", "Denied"),
    ("needs_approval", "Needs approval"),
    ("allow", "Allowed"),
    ("event", "Reported events"),
];

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|s| !s.trim().is_empty());
        ActivityFilter {
            space: text("space"),
            persona: text("persona"),
            capability: text("capability"),
            decision: text("decision"),
            hours: q.get("hours").and_then(|h| h.parse().ok()),
        }
    };
    let feed = Resource::new(filter, get_activity);
    // Which space the live connection listens to: the one on screen.
    let watching = RwSignal::new(None::<String>);
    live::listen(watching, move || feed.refetch());
    view! {
        <Title text="Activity" />
        <h1>"Activity"</h1>
        <p class="lead">"What persona runtimes asked the console and what they reported, newest first. Every deny says what stopped it."</p>
        <Suspense fallback=|| view! { <Loading what="activity" /> }>
            {move || Suspend::new(async move {
                let current = filter();
                match feed.await {
                    Ok(view) if view.spaces.is_empty() => view! {
                        <section class="card empty">
                            <p>"There are no spaces here yet. Runtime activity appears once a space has personas and a runtime token."</p>
                            <p><a href="/spaces">"Go to spaces"</a></p>
                        </section>
                    }.into_any(),
                    Ok(view) => {
                        watching.set(Some(view.space_id.clone()));
                        view! { <ActivityBody view current /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ActivityBody(view: ActivityView, current: ActivityFilter) -> impl IntoView {
    let filtered = current.persona.is_some()
        || current.capability.is_some()
        || current.decision.is_some()
        || current.hours.is_some();
    let space = view.space_id.clone();
    let chosen_persona = current.persona.clone().unwrap_or_default();
    let chosen_cap = current.capability.clone().unwrap_or_default();
    let chosen_outcome = current.decision.clone().unwrap_or_default();
    let chosen_hours = current.hours.unwrap_or(0);
    let clear = format!("/activity?space={space}");
    // Filtered by persona alone (the persona page links here): say whose activity is empty.
    let only_persona =
        current.capability.is_none() && current.decision.is_none() && current.hours.is_none();
    let empty_text = match view.personas.iter().find(|p| p.id == chosen_persona) {
        Some(p) if only_persona => format!(
            "No runtime activity for {} yet. It appears here once a runtime asks for a decision or reports an event for this persona.",
            p.name
        ),
        _ if filtered => "Nothing matches these filters.".to_string(),
        _ => "No runtime activity in this space yet. Runtimes appear here once they ask for decisions or report events with a token of this space.".to_string(),
    };
    view! {
        <form method="get" action="/activity" class="filters" role="search" aria-label="Filter the activity">
            <div>
                <label for="act-space">"Space"</label>
                <select id="act-space" name="space">
                    {view.spaces.iter().map(|s| view! { <option value=s.id.clone() selected=s.id == space>{s.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="act-persona">"Persona"</label>
                <select id="act-persona" name="persona">
                    <option value="">"Any"</option>
                    {view.personas.iter().map(|p| view! { <option value=p.id.clone() selected=p.id == chosen_persona>{p.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="act-cap">"Capability"</label>
                <select id="act-cap" name="capability">
                    <option value="">"Any"</option>
                    {view.capabilities.iter().map(|c| view! { <option value=c.clone() selected=*c == chosen_cap>{c.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="act-outcome">"Outcome"</label>
                <select id="act-outcome" name="decision">
                    <option value="">"Any"</option>
                    {OUTCOMES.iter().map(|(v, l)| view! { <option value=*v selected=chosen_outcome == *v>{*l}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="act-hours">"When"</label>
                <select id="act-hours" name="hours">
                    <option value="">"Any time"</option>
                    {HOURS.iter().map(|(h, l)| view! { <option value=h.to_string() selected=chosen_hours == *h>{*l}</option> }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button-secondary">"Filter"</button>
                {filtered.then(|| view! { <a href=clear>"Clear"</a> })}
            </div>
        </form>
        <p class="muted small" aria-live="polite">
            <span class="live-dot" aria-hidden="true"></span>
            {format!("{}: updates appear here as runtimes report them.", view.space_name)}
        </p>
        {if view.items.is_empty() {
            view! {
                <section class="card empty">
                    <p>{empty_text}</p>
                </section>
            }.into_any()
        } else {
            view! {
                <section class="card">
                    <table class="activity">
                        <caption class="visually-hidden">"Runtime activity, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"When (UTC)"</th>
                            <th scope="col">"Persona"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Why"</th>
                        </tr></thead>
                        <tbody>
                            {view.items.into_iter().map(|item| view! { <ActivityRow item space=space.clone() /> }).collect_view()}
                        </tbody>
                    </table>
                    {view.truncated.then(|| view! { <p class="muted small">"Showing the newest 100. Narrow the filters to see older activity."</p> })}
                </section>
            }.into_any()
        }}
    }
}

fn outcome_label(item: &ActivityItem) -> (&'static str, String) {
    match (item.kind.as_str(), item.outcome.as_str()) {
        ("decision", "allow") => ("badge badge-ok", "Allowed".into()),
        ("decision", "deny") => ("badge badge-danger", "Denied".into()),
        ("decision", "needs_approval") => ("badge badge-warn", "Needs approval".into()),
        (_, other) => ("badge", format!("Reported: {other}")),
    }
}

#[component]
fn ActivityRow(item: ActivityItem, space: String) -> impl IntoView {
    let (class, label) = outcome_label(&item);
    let what = match (&item.capability, &item.action) {
        (Some(c), Some(a)) => format!("{c} / {a}"),
        (Some(c), None) => c.clone(),
        (None, _) => "—".into(),
    };
    let detail = match (&item.access, &item.environment) {
        (Some(access), Some(env)) => format!("{access} in {env}"),
        _ => String::new(),
    };
    let persona_href = format!("/activity?space={space}&persona={}", item.persona_id);
    view! {
        <tr class=if item.outcome == "deny" { "row-deny" } else { "" }>
            <td><time datetime=item.at.clone()>{short_time(&item.at)}</time></td>
            <td><a href=persona_href>{item.persona_name.clone()}</a></td>
            <td><span class=class>{label}</span></td>
            <td><code>{what}</code><span class="muted small block">{detail}</span></td>
            <td>
                {item.explanation.clone()}
                <span class="muted small block">"via "{item.via.clone()}{item.reason.clone().map(|r| format!(" · {r}"))}</span>
            </td>
        </tr>
    }
}
