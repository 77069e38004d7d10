//! The capability catalog: what each space has enabled or connected, side by side.

use leptos::prelude::*;
use leptos_meta::Title;

use super::spaces::ActionList;
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::capabilities::get_catalog;
use crate::types::{BuiltIn, CapabilitySource, CatalogView};

#[component]
pub fn CapabilitiesPage() -> impl IntoView {
    let catalog = Resource::new(|| (), |_| get_catalog());
    view! {
        <Title text="Capabilities" />
        <h1>"Capabilities"</h1>
        <p class="lead">"The seven built-in surfaces every space can enable, and the external systems each space has connected."</p>
        <Suspense fallback=|| view! { <Loading what="the catalog" /> }>
            {move || Suspend::new(async move {
                match catalog.await {
                    Ok(view) => view! { <CatalogBody view /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CatalogBody(view: CatalogView) -> impl IntoView {
    if view.spaces.is_empty() {
        return view! { <section class="card empty"><p>"No spaces yet: capabilities are enabled per space."</p></section> }.into_any();
    }
    let spaces = view.spaces;
    view! {
        <section class="card" aria-labelledby="builtin-matrix-title">
            <h2 id="builtin-matrix-title">"Built-in surfaces by space"</h2>
            <div class="table-scroll">
                <table class="matrix">
                    <caption class="visually-hidden">"Which built-in surfaces each space has enabled"</caption>
                    <thead><tr>
                        <th scope="col">"Surface"</th>
                        {spaces.iter().map(|s| view! { <th scope="col"><a href=format!("/spaces/{}", s.id)>{s.name.clone()}</a></th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {BuiltIn::ALL.iter().map(|b| view! {
                            <tr>
                                <th scope="row">{b.label()}</th>
                                {spaces.iter().map(|s| {
                                    let cap = s.capabilities.iter().find(|c| c.source == CapabilitySource::BuiltIn(*b));
                                    match cap.filter(|c| c.enabled) {
                                        Some(c) => view! { <td><span class="badge badge-ok">"Enabled"</span><span class="small muted block">{let n = c.grant_count.unwrap_or_default(); format!("{n} grant{}", if n == 1 { "" } else { "s" })}</span></td> }.into_any(),
                                        None => view! { <td><span class="muted">"—"</span><span class="visually-hidden">"not enabled"</span></td> }.into_any(),
                                    }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {spaces.into_iter().map(|s| {
            let external: Vec<_> = s.capabilities.into_iter().filter(|c| !matches!(c.source, CapabilitySource::BuiltIn(_))).collect();
            view! {
                <section class="card" aria-labelledby=format!("ext-{}", s.id)>
                    <h2 id=format!("ext-{}", s.id)>{format!("External systems in {}", s.name)}</h2>
                    {if external.is_empty() {
                        view! { <p class="empty">"None connected."{s.can_edit.then(|| view! { " "<a href=format!("/spaces/{}", s.id)>"Connect one"</a> })}</p> }.into_any()
                    } else {
                        view! {
                            <table>
                                <caption class="visually-hidden">{format!("External systems in {}", s.name)}</caption>
                                <thead><tr><th scope="col">"System"</th><th scope="col">"Actions"</th><th scope="col">"Status"</th><th scope="col">"Grants"</th></tr></thead>
                                <tbody>
                                    {external.into_iter().map(|c| {
                                        let detail = match &c.source {
                                            CapabilitySource::External { kind, endpoint } => format!("{} · {endpoint}", kind.label()),
                                            CapabilitySource::BuiltIn(_) => String::new(),
                                        };
                                        view! {
                                            <tr>
                                                <th scope="row"><span class="cap-name">{c.name}</span><span class="small muted block">{detail}</span></th>
                                                <td><ActionList actions=c.actions /></td>
                                                <td>{if c.enabled { "Enabled" } else { "Disabled" }}</td>
                                                <td>{c.grant_count.unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                </section>
            }
        }).collect_view()}
    }.into_any()
}
