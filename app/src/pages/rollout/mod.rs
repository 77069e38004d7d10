//! The rollout board: a space's personas as cards in four stage columns, with waiting
//! promotions, engaged switches and the next stage's gates at a glance; below, charts of
//! personas per stage and decisions per day, each with its figures as a table.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorNotice, Loading};
use crate::server_fns::rollout::get_rollout_board;
use crate::types::{BoardCard, ChartView, RolloutBoardView};

#[component]
pub fn RolloutBoardPage() -> impl IntoView {
    let query = use_query_map();
    let space = move || query.read().get("space").filter(|s| !s.trim().is_empty());
    let board = Resource::new(space, get_rollout_board);
    view! {
        <Title text="Rollout" />
        <h1>"Rollout"</h1>
        <p class="lead">"Where each persona stands: its stage, what waits for a reviewer, what is stopped, and which gates hold the next promotion."</p>
        <Suspense fallback=|| view! { <Loading what="the rollout board" /> }>
            {move || Suspend::new(async move {
                match board.await {
                    Ok(view) if view.spaces.is_empty() => view! {
                        <section class="card empty">
                            <p>"There are no spaces here yet. The board fills in once a space has personas."</p>
                            <p><a href="/spaces">"Go to spaces"</a></p>
                        </section>
                    }.into_any(),
                    Ok(view) => view! { <Board view /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Board(view: RolloutBoardView) -> impl IntoView {
    let chosen = view.space_id.clone();
    view! {
        <form method="get" action="/rollout" class="filters card">
            <div>
                <label for="rb-space">"Space"</label>
                <select id="rb-space" name="space">
                    {view.spaces.iter().map(|s| view! { <option value=s.id.clone() selected=s.id == chosen>{s.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button-secondary">"Show"</button>
            <a href=format!("/spaces/{}", view.space_id)>"Stage limits of "{view.space_name.clone()}</a>
        </form>
        {view.space_stops.iter().map(|s| view! { <p class="banner danger" role="alert">{format!("⏸ {s}")}</p> }).collect_view()}
        <div class="board">
            {view.columns.iter().map(|c| {
                let heading = format!("board-stage-{}", c.stage);
                let labelled_by = heading.clone();
                view! {
                    <section class="board-column" aria-labelledby=labelled_by>
                        <h2 id=heading>{format!("{} · {}", c.stage, c.stage_name)}<span class="muted small">{format!(" ({})", c.cards.len())}</span></h2>
                        {if c.cards.is_empty() {
                            view! { <p class="muted small">"No persona at this stage."</p> }.into_any()
                        } else {
                            view! { <ul class="cards">{c.cards.iter().map(|card| view! { <Card card=card.clone() /> }).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
        <Chart chart=view.stages_chart.clone() id="chart-stages" />
        <Chart chart=view.decisions_chart.clone() id="chart-decisions" />
    }
    .into_any()
}

#[component]
fn Card(card: BoardCard) -> impl IntoView {
    let gates = if card.gates_total == 0 {
        "Last stage: no further gates".to_string()
    } else {
        format!("{} of {} gates pass", card.gates_passed, card.gates_total)
    };
    let ready = card.gates_total > 0 && card.gates_passed == card.gates_total;
    view! {
        <li class="board-card" class:stopped=card.stopped_by.is_some()>
            <a href=format!("/personas/{}", card.persona_id)><strong>{card.name.clone()}</strong></a>
            {card.stopped_by.clone().map(|s| view! { <p class="badge badge-danger">{format!("⏸ {s}")}</p> })}
            {card.pending.clone().map(|p| view! { <p class="small"><a href="/review?kind=promotion">{p}</a></p> })}
            <p class="small" class:ok-text=ready>{if ready { format!("✓ {gates}") } else { gates }}</p>
            {(!card.failing_gates.is_empty()).then(|| view! {
                <ul class="small failing">{card.failing_gates.iter().map(|g| view! { <li>{format!("✗ {g}")}</li> }).collect_view()}</ul>
            })}
            <p class="muted small">{card.on_call.clone().map_or_else(|| "Nobody on call".to_string(), |n| format!("On call: {n}"))}</p>
        </li>
    }
    .into_any()
}

#[component]
fn Chart(chart: ChartView, id: &'static str) -> impl IntoView {
    let title_id = format!("{id}-title");
    let (figure_by, svg_by) = (title_id.clone(), title_id.clone());
    let summary_id = format!("{id}-summary");
    let described_by = summary_id.clone();
    view! {
        <figure class="card chart" aria-labelledby=figure_by>
            <figcaption>
                <h2 id=title_id>{chart.title.clone()}</h2>
                <p id=summary_id class="muted">{chart.summary.clone()}</p>
            </figcaption>
            <div class="chart-svg" role="img" aria-labelledby=svg_by aria-describedby=described_by inner_html=chart.svg.clone()></div>
            <details>
                <summary>"The figures as a table"</summary>
                <div class="table-scroll">
                    <table>
                        <thead><tr>{chart.headings.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {chart.rows.iter().map(|(day, values)| view! {
                                <tr><th scope="row">{day.clone()}</th>{values.iter().map(|v| view! { <td>{v.to_string()}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
    .into_any()
}
