//! Every persona the viewer reaches, filtered by space, stage and name. The filter is a
//! plain GET form, so a filtered list is a link you can share, with or without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::components::{ErrorNotice, Loading};
use crate::server_fns::personas::list_personas;
use crate::types::{PersonaFilter, PersonaListView, stage_name};

#[component]
pub fn PersonasPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        PersonaFilter {
            space: q.get("space").filter(|s| !s.is_empty()),
            stage: q.get("stage").and_then(|s| s.parse().ok()),
            q: q.get("q").filter(|s| !s.is_empty()),
            cursor: q.get("after").filter(|s| !s.is_empty()),
        }
    };
    let personas = Resource::new(filter, list_personas);
    view! {
        <Title text="Personas" />
        <h1>"Personas"</h1>
        <Suspense fallback=|| view! { <Loading what="personas" /> }>
            {move || Suspend::new(async move {
                let current = filter();
                match personas.await {
                    Ok(view) => view! { <PersonasBody view current /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn next_href(current: &PersonaFilter, cursor: &str) -> String {
    let mut parts: Vec<(&str, String)> = Vec::new();
    if let Some(s) = &current.space {
        parts.push(("space", s.clone()));
    }
    if let Some(s) = current.stage {
        parts.push(("stage", s.to_string()));
    }
    if let Some(q) = &current.q {
        parts.push(("q", q.clone()));
    }
    parts.push(("after", cursor.to_string()));
    let query: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(&v, NON_ALPHANUMERIC)))
        .collect();
    format!("/personas?{}", query.join("&"))
}

#[component]
fn PersonasBody(view: PersonaListView, current: PersonaFilter) -> impl IntoView {
    let shown = view.items.len();
    let filtered = current.space.is_some() || current.stage.is_some() || current.q.is_some();
    let paged = current.cursor.is_some();
    let next = view.next_cursor.as_ref().map(|c| next_href(&current, c));
    let selected_space = current.space.clone().unwrap_or_default();
    view! {
        <form method="get" action="/personas" class="filters" role="search" aria-label="Filter personas">
            <div>
                <label for="f-q">"Name"</label>
                <input id="f-q" type="search" name="q" value=current.q.clone().unwrap_or_default() placeholder="Search by name" />
            </div>
            <div>
                <label for="f-space">"Space"</label>
                <select id="f-space" name="space">
                    <option value="">"All spaces"</option>
                    {view.spaces.iter().map(|(id, name)| {
                        let selected = id.as_str() == selected_space;
                        view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-stage">"Stage"</label>
                <select id="f-stage" name="stage">
                    <option value="">"Any stage"</option>
                    {(1u8..=4).map(|s| view! {
                        <option value=s.to_string() selected=current.stage == Some(s)>{format!("{s} · {}", stage_name(s))}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button-secondary">"Filter"</button>
                {filtered.then(|| view! { <a href="/personas">"Clear"</a> })}
            </div>
        </form>
        <p class="muted" role="status">{format!(
            "{} persona{} match{}{}.",
            view.total,
            if view.total == 1 { "" } else { "s" },
            if view.total == 1 { "es" } else { "" },
            if paged || next.is_some() { format!("; showing {shown} on this page") } else { String::new() },
        )}</p>
        {if view.items.is_empty() {
            view! { <section class="card empty"><p>{if filtered { "No persona matches these filters." } else { "No personas yet. Create one from a space's page." }}</p></section> }.into_any()
        } else {
            view! {
                <section class="card">
                    <table>
                        <caption class="visually-hidden">"Personas"</caption>
                        <thead><tr><th scope="col">"Persona"</th><th scope="col">"Space"</th><th scope="col">"Rollout stage"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            {view.items.into_iter().map(|p| view! {
                                <tr>
                                    <th scope="row">
                                        <a class="persona-name" href=format!("/personas/{}", p.id)>{p.name}</a>
                                        <span class="muted small block">{p.role_description}</span>
                                    </th>
                                    <td><a href=format!("/spaces/{}", p.space_id)>{p.space_name}</a></td>
                                    <td><span class=format!("badge stage-{}", p.stage)>{format!("{} · {}", p.stage, stage_name(p.stage))}</span></td>
                                    <td>{p.status}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {paged.then(|| view! { <a href="/personas" class="button-link">"← First page"</a> })}
            {next.map(|href| view! { <a href=href class="button-link" rel="next">"Next page →"</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_keep_the_filters_and_encode_them() {
        let f = PersonaFilter {
            space: None,
            stage: Some(2),
            q: Some("a&b c".into()),
            cursor: None,
        };
        assert_eq!(
            next_href(&f, "abc"),
            "/personas?stage=2&q=a%26b%20c&after=abc"
        );
    }
}
