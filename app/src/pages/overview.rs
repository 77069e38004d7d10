use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{ErrorNotice, Loading};
use crate::server_fns::tenants::get_overview;
use crate::types::{OverviewView, stage_name};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Overview" />
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <Loading what="the overview" /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(view) => view! { <OverviewBody view /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewBody(view: OverviewView) -> impl IntoView {
    let persona_count: usize = view.spaces.iter().map(|s| s.personas.len()).sum();
    let summary = format!(
        "{} has {} space{} and {} persona{}.",
        view.tenant_name,
        view.spaces.len(),
        if view.spaces.len() == 1 { "" } else { "s" },
        persona_count,
        if persona_count == 1 { "" } else { "s" },
    );
    let empty = view.spaces.is_empty();
    view! {
        <p class="lead">{summary}</p>
        {empty.then(|| view! {
            <section class="card empty"><p>"No spaces yet. Spaces are where personas live: "<a href="/spaces">"create the first one"</a>"."</p></section>
        })}
        <div class="grid">
            {view.spaces.into_iter().map(|space| view! {
                <section class="card" aria-labelledby=format!("space-{}", space.id)>
                    <h2 id=format!("space-{}", space.id)><a href=format!("/spaces/{}", space.id)>{space.name}</a></h2>
                    <p class="muted">{space.description}</p>
                    <table>
                        <caption class="visually-hidden">"Personas in this space"</caption>
                        <thead><tr><th scope="col">"Persona"</th><th scope="col">"Rollout stage"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            {space.personas.into_iter().map(|p| view! {
                                <tr>
                                    <th scope="row">
                                        <a class="persona-name" href=format!("/personas/{}", p.id)>{p.name}</a>
                                        <span class="muted small block">{p.role_description}</span>
                                    </th>
                                    <td><span class=format!("badge stage-{}", p.stage)>{format!("{} · {}", p.stage, stage_name(p.stage))}</span></td>
                                    <td>{p.status}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }).collect_view()}
        </div>
    }
}
