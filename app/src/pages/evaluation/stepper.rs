//! The guided flow: one question at a time, progress visible, every step a plain link
//! (so the keyboard, the back button and a page without JavaScript all work), and the
//! step remembered so a return resumes where the evaluator left off.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::LevelBadge;
use super::items::ItemCard;
use crate::AppError;
use crate::components::forms::FormStatus;
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::evaluation::{CompleteEvaluation, get_evaluation};
use crate::types::{EvaluationId, EvaluationView, ItemStatus, QuestionView};

/// The summary is the last step.
const SUMMARY: u8 = crate::types::EVALUATION_STEPS;

#[component]
pub fn EvaluationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<EvaluationId>().ok())
    };
    let step = move || {
        query
            .read()
            .get("step")
            .and_then(|s| s.parse::<u8>().ok())
            .filter(|s| (1..=SUMMARY).contains(s))
    };
    let saved = RwSignal::new(0usize);
    // Said once, outside the part that reloads, so a screen reader hears it.
    let notice = RwSignal::new(None::<String>);
    // The step the heading last took focus for (`None`: the page just loaded).
    let focused = StoredValue::new(None::<u8>);
    let complete = ServerAction::<CompleteEvaluation>::new();
    Effect::new(move |_| {
        step();
        notice.set(None);
    });
    let evaluation = Resource::new(
        move || (id(), step(), saved.get() + complete.version().get()),
        |(id, step, _)| async move {
            match id {
                Some(id) => get_evaluation(id, step).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <p class="page-notice" role="status" aria-live="polite">{move || notice.get()}</p>
        // A transition keeps the page on screen while the next step or a save loads.
        <Transition fallback=|| view! { <Loading what="the evaluation" /> }>
            {move || Suspend::new(async move {
                match evaluation.await {
                    Ok(view) => view! { <Stepper view saved notice focused complete /> }.into_any(),
                    Err(error) => view! { <Title text="Evaluation" /><h1>"Evaluation"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn tally(q: &QuestionView) -> String {
    let passing = q.items.iter().filter(|i| i.status.counts()).count();
    format!("{passing} of {} ready", q.items.len())
}

#[component]
fn Stepper(
    view: EvaluationView,
    saved: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
    focused: StoredValue<Option<u8>>,
    complete: ServerAction<CompleteEvaluation>,
) -> impl IntoView {
    let r = &view.report;
    let id = r.evaluation_id.clone();
    let step = view.step;
    let href = {
        let id = id.clone();
        move |n: u8| format!("/evaluations/{id}?step={n}")
    };
    let scope = match &r.persona_name {
        Some(p) => format!("{} › {p}", r.space_name),
        None => format!("{} (whole space)", r.space_name),
    };
    let steps = view
        .report
        .questions
        .iter()
        .map(|q| (q.number, q.title.clone(), tally(q)))
        .chain(std::iter::once((
            SUMMARY,
            "Summary".to_string(),
            format!("Level {}", r.level),
        )))
        .map(|(n, title, note)| {
            let current = n == step;
            view! {
                <li class:current=current>
                    <a href=href(n) aria-current=current.then_some("step")>
                        <span class="step-number">{n}</span>
                        <span class="step-title">{title}</span>
                        <span class="step-note small">{note}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    // A step reached through the stepper moves focus to its heading, so keyboard and
    // screen-reader users start reading there; a first load or a save does not.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        let Some(h2) = heading.get() else {
            return;
        };
        let before = focused.get_value();
        focused.set_value(Some(step));
        if before.is_some_and(|b| b != step) {
            let _ = h2.focus();
        }
    });
    let body = if step < SUMMARY {
        let q = view
            .report
            .questions
            .iter()
            .find(|q| q.number == step)
            .cloned();
        match q {
            Some(q) => {
                view! { <Question q evaluation_id=id.clone() can_edit=view.can_edit saved notice heading /> }
                    .into_any()
            }
            None => ().into_any(),
        }
    } else {
        view! { <Summary view=view.clone() complete heading /> }.into_any()
    };
    let prev = (step > 1).then(|| view! { <a class="button-secondary step-link" href=href(step - 1) rel="prev">"← Back"</a> });
    let next_label = if step + 1 == SUMMARY {
        "Next: summary →".to_string()
    } else {
        view.report
            .questions
            .iter()
            .find(|q| q.number == step + 1)
            .map(|q| format!("Next: {} →", q.title))
            .unwrap_or_default()
    };
    let next = (step < SUMMARY).then(|| view! { <a class="button-primary step-link" href=href(step + 1) rel="next">{next_label}</a> });
    let state = if r.state == "completed" {
        "Completed"
    } else {
        "In progress"
    };
    view! {
        <Title text=format!("{} · Evaluation", r.title) />
        <p class="breadcrumb"><a href="/evaluations">"Evaluation"</a>" › "{scope.clone()}</p>
        <div class="eval-head">
            <h1>{r.title.clone()}</h1>
            <LevelBadge level=r.level />
        </div>
        <p class="muted">{format!("{scope} · {state} · ")}<a href=format!("/evaluations/{id}/report")>"Open the report"</a></p>
        <div class="progress-line">
            <label for="eval-progress">{format!("Statements: {} of {} written", view.statements_written, view.statements)}</label>
            <progress id="eval-progress" max=view.statements value=view.statements_written></progress>
            <span class="muted">{format!("Checks: {} of {} ready", view.checks_ready, view.checks)}</span>
        </div>
        <nav class="stepper" aria-label="Evaluation steps">
            <ol>{steps}</ol>
        </nav>
        {body}
        <div class="step-nav">{prev}{next}</div>
    }
    .into_any()
}

#[component]
fn Question(
    q: QuestionView,
    evaluation_id: String,
    can_edit: bool,
    saved: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
    heading: NodeRef<leptos::html::H2>,
) -> impl IntoView {
    let title = if q.number <= 5 {
        format!("Question {} of 5: {}", q.number, q.asks)
    } else {
        format!("Launch steps: {}", q.asks)
    };
    view! {
        <section class="card question" aria-labelledby="question-title">
            <p class="muted small">{q.title.clone()}</p>
            <h2 id="question-title" tabindex="-1" node_ref=heading>{title}</h2>
            <ul class="items" aria-label="Items">
                {q.items.into_iter().map(|item| view! {
                    <ItemCard item evaluation_id=evaluation_id.clone() can_edit saved notice />
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn Summary(
    view: EvaluationView,
    complete: ServerAction<CompleteEvaluation>,
    heading: NodeRef<leptos::html::H2>,
) -> impl IntoView {
    let r = view.report.clone();
    let shown = complete.value();
    let pending = Memo::new(move |_| complete.pending().get());
    let blockers = (!r.blockers.is_empty()).then(|| view! {
        <h3>{format!("What blocks level {}", r.level + 1)}</h3>
        <ul class="blockers">{r.blockers.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
    });
    let open = if r.open_items.is_empty() {
        view! { <p class="ok">"✓ Every item is answered."</p> }.into_any()
    } else {
        view! {
            <h3>"Not answered yet"</h3>
            <ul>{r.open_items.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ul>
        }
        .into_any()
    };
    let changes = (!view.changes.is_empty()).then(|| view! {
        <h3>"Changed since the last completed run"</h3>
        <ul>{view.changes.iter().map(|c| view! { <li>{format!("{}: {} → {}", c.what, c.before, c.after)}</li> }).collect_view()}</ul>
    });
    let evaluation_id = r.evaluation_id.clone();
    let failing = r
        .questions
        .iter()
        .flat_map(|q| q.items.iter())
        .filter(|i| i.status == ItemStatus::Fail)
        .count();
    view! {
        <section class="card question" aria-labelledby="question-title">
            <h2 id="question-title" tabindex="-1" node_ref=heading>"Summary"</h2>
            <p class="lead">"This deployment is at "<LevelBadge level=r.level />"."</p>
            <p class="muted">{format!("{failing} item(s) fail; levels count only when every item of that level and the ones below it is ready.")}</p>
            {blockers}
            {open}
            {changes}
            {view.can_edit.then(|| view! {
                <ActionForm action=complete attr:class="stack">
                    <input type="hidden" name="evaluation_id" value=evaluation_id.clone() />
                    <p class="muted small">"Completing stores this report as a run you can compare with later ones. Open items are allowed: the report lists them."</p>
                    <div class="form-actions">
                        <button type="submit" class="button-primary" disabled=move || pending.get()>"Complete this run"</button>
                        <FormStatus pending value=shown success="Completed: the report is stored as a run." />
                    </div>
                </ActionForm>
            })}
            <p><a href=format!("/evaluations/{}/report", r.evaluation_id)>"Open the report"</a>" to print, export or share it."</p>
        </section>
    }
    .into_any()
}
