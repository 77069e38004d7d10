//! The signed-in frame: header with who and where, navigation, and the page.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

use crate::pages::review::ReviewCountRefresh;
use crate::server_fns::session::get_session_view;

const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/spaces", "Spaces"),
    ("/personas", "Personas"),
    ("/capabilities", "Capabilities"),
    ("/rollout", "Rollout"),
    ("/review", "Review queue"),
    ("/kill-switches", "Kill-switches"),
    ("/activity", "Activity"),
    ("/audit", "Audit"),
    ("/evaluations", "Evaluation"),
    ("/members", "Members"),
];

#[component]
pub fn Shell() -> impl IntoView {
    // The review page bumps this after a decision, so the count beside "Review queue"
    // follows without a reload.
    let review_refresh = RwSignal::new(0usize);
    provide_context(ReviewCountRefresh(review_refresh));
    let session = Resource::new(move || review_refresh.get(), |_| get_session_view());
    let nav_open = RwSignal::new(false);
    // A switch changing anywhere this member reaches refreshes the banner (and the count).
    super::live_console::listen(move || review_refresh.update(|n| *n += 1));
    let location = use_location();
    // The kill-switch page shows its own banner, with the switches beneath it.
    let on_switch_page = move || location.pathname.get() == "/kill-switches";

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <button
                type="button"
                class="nav-toggle button-secondary"
                aria-controls="primary-nav"
                aria-expanded=move || nav_open.get().to_string()
                on:click=move |_| nav_open.update(|o| *o = !*o)
            >
                "Menu"
            </button>
            <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">"◆"</span>" Persona Console"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.await {
                        Ok(Some(s)) => view! {
                            <div class="whoami">
                                <span class="tenant" title="Tenant">{s.tenant_name}</span>
                                <span class="user">{s.display_name}" · "<span class="role">{s.role.label()}</span></span>
                                <form method="post" action="/auth/logout">
                                    <button type="submit" class="button-secondary">"Sign out"</button>
                                </form>
                            </div>
                        }.into_any(),
                        _ => view! { <a class="whoami" href="/login">"Sign in"</a> }.into_any(),
                    }
                })}
            </Suspense>
        </header>
        <div class="layout">
            <nav id="primary-nav" class="sidebar" class:open=move || nav_open.get() aria-label="Primary">
                <ul>
                    {NAV.iter().map(|(href, label)| {
                        let is_review = *href == "/review";
                        view! {
                            <li><A href=*href exact=true>
                                {*label}
                                {is_review.then(|| view! {
                                    <Suspense fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            let waiting = session.await.ok().flatten().map_or(0, |s| s.pending_reviews);
                                            (waiting > 0).then(|| view! {
                                                " "<span class="nav-count" title="Waiting for review">{waiting.to_string()}<span class="visually-hidden">" waiting"</span></span>
                                            })
                                        })}
                                    </Suspense>
                                })}
                            </A></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <main id="main" class="content" tabindex="-1">
                // The page is not nested inside the session's Suspense: each page loads
                // its own data (and says "sign in again" itself if the session ended),
                // and Suspense boundaries stay siblings. Nesting a page's resources under
                // another resource's Suspense is the pattern behind rare stalled renders.
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let engaged = session.await.ok().flatten().map(|s| s.engaged_switches).unwrap_or_default();
                        (!engaged.is_empty()).then(|| view! {
                            <div class="banner danger console-banner" role="alert" hidden=on_switch_page>
                                <strong>{if engaged.len() == 1 { "⏸ 1 kill-switch engaged: ".to_string() } else { format!("⏸ {} kill-switches engaged: ", engaged.len()) }}</strong>
                                {engaged.join(", ")}
                                ". Runtimes under it are stopped. "
                                <a href="/kill-switches">"Kill-switches"</a>
                            </div>
                        })
                    })}
                </Suspense>
                <Outlet />
            </main>
        </div>
    }
}
