//! The review queue: what waits for a second person, oldest first, each item with its
//! evidence and an approve / reject form (a rejection says why). Without JavaScript the
//! filters are a GET form and each decision a plain POST that comes back here.

mod item;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorNotice, Loading};
use crate::server_fns::review::get_review_queue;
use crate::types::{ReviewFilter, ReviewQueueView};
use item::ReviewCard;

/// Bumped when a decision changes the queue, so the navigation's count refreshes.
#[derive(Debug, Clone, Copy)]
pub struct ReviewCountRefresh(pub RwSignal<usize>);

const AGES: [(u32, &str); 3] = [
    (1, "At least 1 hour"),
    (4, "At least 4 hours"),
    (24, "At least a day"),
];

#[component]
pub fn ReviewPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|s| !s.trim().is_empty());
        ReviewFilter {
            kind: text("kind"),
            space: text("space"),
            older_than_hours: q.get("older_than_hours").and_then(|h| h.parse().ok()),
            show: text("show"),
        }
    };
    // A decision taken on this page bumps it: the list and the navigation's count reload.
    let decided = RwSignal::new(0usize);
    let notice = RwSignal::new(None::<String>);
    let nav_count = use_context::<ReviewCountRefresh>();
    Effect::new(move |_| {
        if decided.get() > 0
            && let Some(ReviewCountRefresh(count)) = nav_count
        {
            count.update(|n| *n += 1);
        }
    });
    let queue = Resource::new(
        move || (filter(), decided.get()),
        |(filter, _)| get_review_queue(filter),
    );
    view! {
        <Title text="Review queue" />
        <h1>"Review queue"</h1>
        <p class="lead">"Requests that wait for a second person, oldest first: stage promotions, runtime actions whose grant says “needs human approval”, and releases of kill-switches. Runtimes hear your decision at once."</p>
        <p class="notice ok" role="status" aria-live="polite">{move || notice.get()}</p>
        <Suspense fallback=|| view! { <Loading what="the review queue" /> }>
            {move || Suspend::new(async move {
                let current = filter();
                match queue.await {
                    Ok(view) if view.spaces.is_empty() => view! {
                        <section class="card empty">
                            <p>"There are no spaces here yet, so nothing can wait for review."</p>
                            <p><a href="/spaces">"Go to spaces"</a></p>
                        </section>
                    }.into_any(),
                    Ok(view) => view! { <QueueBody view current decided notice /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueBody(
    view: ReviewQueueView,
    current: ReviewFilter,
    decided: RwSignal<usize>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let showing_decided = current.show.as_deref() == Some("decided");
    let chosen_space = current.space.clone().unwrap_or_default();
    let chosen_kind = current.kind.clone().unwrap_or_default();
    let chosen_age = current.older_than_hours.unwrap_or(0);
    let filtered =
        current.space.is_some() || current.kind.is_some() || current.older_than_hours.is_some();
    let keep = |show: &str| {
        let mut q = vec![format!("show={show}")];
        if let Some(s) = &current.space {
            q.push(format!("space={s}"));
        }
        format!("/review?{}", q.join("&"))
    };
    let waiting_href = keep("waiting");
    let decided_href = keep("decided");
    let empty_text = match (showing_decided, filtered) {
        (true, _) => "Nothing decided here yet.",
        (false, true) => "Nothing waiting matches these filters.",
        (false, false) => {
            "Nothing is waiting for review. Stage promotions, runtime actions that need a person's approval, and requests to release a kill-switch appear here as they are asked."
        }
    };
    view! {
        <nav class="tabs" aria-label="Which items">
            <a href=waiting_href aria-current=(!showing_decided).then_some("page")>
                {format!("Waiting ({})", view.pending_total)}
            </a>
            <a href=decided_href aria-current=showing_decided.then_some("page")>"Decided"</a>
        </nav>
        <form method="get" action="/review" class="filters" role="search" aria-label="Filter the review queue">
            <input type="hidden" name="show" value=if showing_decided { "decided" } else { "waiting" } />
            <div>
                <label for="rq-space">"Space"</label>
                <select id="rq-space" name="space">
                    <option value="">"Every space"</option>
                    {view.spaces.iter().map(|s| view! { <option value=s.id.clone() selected=s.id == chosen_space>{s.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="rq-kind">"Kind"</label>
                <select id="rq-kind" name="kind">
                    <option value="">"Every kind"</option>
                    <option value="action" selected=chosen_kind == "action">"Runtime actions"</option>
                    <option value="release" selected=chosen_kind == "release">"Kill-switch releases"</option>
                    <option value="promotion" selected=chosen_kind == "promotion">"Stage promotions"</option>
                </select>
            </div>
            <div>
                <label for="rq-age">"Waiting"</label>
                <select id="rq-age" name="older_than_hours">
                    <option value="">"Any time"</option>
                    {AGES.iter().map(|(h, label)| view! { <option value=h.to_string() selected=*h == chosen_age>{*label}</option> }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button-secondary">"Filter"</button>
                {filtered.then(|| view! { <a href="/review">"Clear"</a> })}
            </div>
        </form>
        {if view.items.is_empty() {
            view! { <section class="card empty"><p>{empty_text}</p></section> }.into_any()
        } else {
            view! {
                <ol class="review-list" aria-label=if showing_decided { "Decided items, newest first" } else { "Waiting items, oldest first" }>
                    {view.items.into_iter().map(|item| view! { <li><ReviewCard item decided notice /></li> }).collect_view()}
                </ol>
                {view.truncated.then(|| view! { <p class="muted">"Showing the first 100. Narrow the filters to see the rest."</p> })}
            }.into_any()
        }}
    }
}
