//! Buyer evaluation: the list with a way to start one, the guided stepper, and the
//! report (signed-in and shared).

mod items;
mod report;
mod stepper;

pub use report::{EvaluationReportPage, SharedReportPage};
pub use stepper::EvaluationPage;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading, short_time};
use crate::server_fns::evaluation::{StartEvaluation, get_evaluations};
use crate::types::{EvaluationsPageView, level_name};

/// "Level 2 · Ready for bounded production", as a badge.
#[component]
pub fn LevelBadge(level: u8) -> impl IntoView {
    view! {
        <span class=format!("badge level-badge level-{level}")>
            {format!("Level {level} · {}", level_name(level))}
        </span>
    }
}

#[component]
pub fn EvaluationsPage() -> impl IntoView {
    let start = ServerAction::<StartEvaluation>::new();
    let page = Resource::new(move || start.version().get(), |_| get_evaluations());
    view! {
        <Title text="Evaluation" />
        <h1>"Evaluation"</h1>
        <p class="lead">"Is this deployment ready for production, and how far? Walk five questions and the launch steps; the console checks what it can see from live data and asks a named person to attest the rest."</p>
        <Suspense fallback=|| view! { <Loading what="the evaluations" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(view) => view! { <EvaluationsBody view start /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EvaluationsBody(
    view: EvaluationsPageView,
    start: ServerAction<StartEvaluation>,
) -> impl IntoView {
    let shown = start.value();
    let pending = Memo::new(move |_| start.pending().get());
    let list = if view.evaluations.is_empty() {
        view! { <p class="empty">"No evaluation yet. Start one below: it takes about ten minutes, and you can stop and come back at any point."</p> }.into_any()
    } else {
        view! {
            <table>
                <caption class="visually-hidden">"Evaluations, most recently changed first"</caption>
                <thead><tr>
                    <th scope="col">"Evaluation"</th><th scope="col">"Scope"</th><th scope="col">"State"</th>
                    <th scope="col">"Last completed run"</th><th scope="col">"Last change"</th>
                </tr></thead>
                <tbody>
                    {view.evaluations.into_iter().map(|e| {
                        let scope = match &e.persona_name {
                            Some(p) => format!("{} › {p}", e.space_name),
                            None => format!("{} (whole space)", e.space_name),
                        };
                        let state = if e.state == "completed" { "Completed" } else { "In progress" };
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/evaluations/{}", e.id)>{e.title.clone()}</a></th>
                                <td>{scope}</td>
                                <td>{state}</td>
                                <td>{match e.last_level {
                                    Some(level) => view! { <LevelBadge level /> }.into_any(),
                                    None => view! { <span class="muted">"Not completed yet"</span> }.into_any(),
                                }}</td>
                                <td class="small">{short_time(&e.updated_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any()
    };
    let form = view.can_start.then(|| {
        let targets = view.targets.clone();
        view! {
            <section class="card" aria-labelledby="start-title">
                <h2 id="start-title">"Start an evaluation"</h2>
                <p class="muted">"Evaluate a whole space, or one persona in it. Levels for one persona are what its promotions are gated on."</p>
                <ActionForm action=start attr:class="stack">
                    <label for="ev-target">"What to evaluate"</label>
                    <select id="ev-target" name="target" aria-invalid=invalid(shown, "target") aria-describedby="ev-target-error ev-persona-error">
                        {targets.into_iter().map(|t| {
                            let space_id = t.space_id.clone();
                            view! {
                                <optgroup label=t.space_name.clone()>
                                    <option value=space_id.clone()>{format!("{} — the whole space", t.space_name)}</option>
                                    {t.personas.into_iter().map(|(id, name)| view! {
                                        <option value=format!("{space_id}/{id}")>{format!("{} › {name}", t.space_name)}</option>
                                    }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()}
                    </select>
                    <FieldError id="ev-target-error" error=field_error(shown, "target") />
                    <FieldError id="ev-persona-error" error=field_error(shown, "persona_id") />
                    <label for="ev-title">"Title "<span class="muted">"(optional)"</span></label>
                    <input id="ev-title" type="text" name="title" maxlength="200" placeholder="Readiness of …"
                        aria-invalid=invalid(shown, "title") aria-describedby="ev-title-error" />
                    <FieldError id="ev-title-error" error=field_error(shown, "title") />
                    <div class="form-actions">
                        <button type="submit" class="button-primary" disabled=move || pending.get()>"Start evaluation"</button>
                        <FormStatus pending value=shown success="" />
                    </div>
                </ActionForm>
            </section>
        }
    });
    view! {
        <section class="card" aria-labelledby="list-title">
            <h2 id="list-title">"Evaluations"</h2>
            {list}
        </section>
        {form}
    }
    .into_any()
}
