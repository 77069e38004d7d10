//! The audit log: every control-plane change, newest first, filterable, in keyset pages,
//! and downloadable as CSV or JSON Lines with the same filters.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::components::{ErrorNotice, Loading};
use crate::server_fns::audit::list_audit;
use crate::types::{AuditFilter, AuditPageView};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|s| !s.trim().is_empty());
        AuditFilter {
            entity_type: text("entity_type"),
            action: text("action"),
            actor: text("actor"),
            entity_id: text("entity_id"),
            before: q.get("before").and_then(|b| b.parse().ok()),
        }
    };
    let page = Resource::new(filter, list_audit);
    view! {
        <Title text="Audit log" />
        <h1>"Audit log"</h1>
        <p class="lead">"Every change to this tenant's control plane: who, when, from where, and exactly what changed. Entries are chained by hash; "<code>"persona-console verify-audit"</code>" proves none was altered."</p>
        <Suspense fallback=|| view! { <Loading what="the audit log" /> }>
            {move || Suspend::new(async move {
                let current = filter();
                match page.await {
                    Ok(view) => view! { <AuditBody view current /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn query_string(f: &AuditFilter, before: Option<i64>, format: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in [
        ("format", format.map(str::to_string)),
        ("entity_type", f.entity_type.clone()),
        ("action", f.action.clone()),
        ("actor", f.actor.clone()),
        ("entity_id", f.entity_id.clone()),
        ("before", before.map(|b| b.to_string())),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={}", utf8_percent_encode(&v, NON_ALPHANUMERIC)));
        }
    }
    parts.join("&")
}

const ENTITY_TYPES: [&str; 10] = [
    "tenant",
    "user",
    "membership",
    "team",
    "space",
    "environment",
    "app",
    "capability",
    "persona",
    "grant",
];

#[component]
fn AuditBody(view: AuditPageView, current: AuditFilter) -> impl IntoView {
    let filtered = current.entity_type.is_some()
        || current.action.is_some()
        || current.actor.is_some()
        || current.entity_id.is_some();
    let next = view
        .next_before
        .map(|b| format!("/audit?{}", query_string(&current, Some(b), None)));
    let csv = format!(
        "/audit/export?{}",
        query_string(&current, None, Some("csv"))
    );
    let json = format!(
        "/audit/export?{}",
        query_string(&current, None, Some("json"))
    );
    let chosen_type = current.entity_type.clone().unwrap_or_default();
    view! {
        <form method="get" action="/audit" class="filters" role="search" aria-label="Filter the audit log">
            <div>
                <label for="a-type">"Entity"</label>
                <select id="a-type" name="entity_type">
                    <option value="">"Any"</option>
                    {ENTITY_TYPES.iter().map(|t| view! { <option value=*t selected=chosen_type == *t>{*t}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="a-action">"Action"</label>
                <input id="a-action" type="text" name="action" placeholder="e.g. grant or grant.updated" value=current.action.clone().unwrap_or_default() />
            </div>
            <div>
                <label for="a-actor">"Who"</label>
                <input id="a-actor" type="text" name="actor" placeholder="email, or system" value=current.actor.clone().unwrap_or_default() />
            </div>
            <div>
                <label for="a-entity">"Entity id"</label>
                <input id="a-entity" type="text" name="entity_id" value=current.entity_id.clone().unwrap_or_default() />
            </div>
            <div class="filter-actions">
                <button type="submit" class="button-secondary">"Filter"</button>
                {filtered.then(|| view! { <a href="/audit">"Clear"</a> })}
            </div>
        </form>
        <p class="exports">"Download "{if filtered { "these entries" } else { "the whole log" }}": "
            <a href=csv download>"CSV"</a>" · "<a href=json download>"JSON Lines"</a></p>
        {if view.entries.is_empty() {
            view! { <section class="card empty"><p>{if filtered { "No entry matches these filters." } else { "No entries yet." }}</p></section> }.into_any()
        } else {
            view! {
                <section class="card">
                    <table class="audit">
                        <caption class="visually-hidden">"Audit entries, newest first"</caption>
                        <thead><tr><th scope="col">"#"</th><th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Change"</th></tr></thead>
                        <tbody>
                            {view.entries.into_iter().map(|e| view! {
                                <tr>
                                    <td class="num">{e.seq}</td>
                                    <td><time datetime=e.occurred_at.clone()>{e.occurred_at.replace('T', " ").chars().take(19).collect::<String>()}</time></td>
                                    <td>{e.actor.clone()}<span class="muted small block">{e.actor_role.clone()}{e.ip.clone().map(|ip| format!(" · {ip}"))}</span></td>
                                    <td><code>{e.action.clone()}</code><span class="muted small block">{format!("{} {}", e.entity_type, e.entity_id)}</span></td>
                                    <td><details><summary>"Diff"</summary><pre class="diff">{pretty(&e.diff)}</pre></details></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {current.before.is_some().then(|| view! { <a href=format!("/audit?{}", query_string(&current, None, None)) class="button-link">"← Newest"</a> })}
            {next.map(|href| view! { <a href=href class="button-link" rel="next">"Older entries →"</a> })}
        </nav>
    }
}

fn pretty(diff: &str) -> String {
    serde_json::from_str::<serde_json::Value>(diff)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| diff.to_string())
}
