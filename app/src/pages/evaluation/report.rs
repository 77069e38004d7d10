//! The report: read-only, the same for a signed-in member and for a reader holding a
//! share link. Prints cleanly (no navigation, no forms), downloads as JSON or Markdown,
//! and — for members who may — carries the share links and the completed runs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::LevelBadge;
use super::items::ItemSummary;
use crate::AppError;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{CopyButton, ErrorNotice, Loading, short_time};
use crate::server_fns::evaluation::{
    RevokeEvaluationShare, ShareEvaluation, get_evaluation, get_shared_report,
};
use crate::types::{EvaluationId, EvaluationView, ReportView};

#[component]
pub fn ReportBody(report: ReportView) -> impl IntoView {
    let r = report;
    let scope = match &r.persona_name {
        Some(p) => format!("{} › {p}", r.space_name),
        None => format!("{} (whole space)", r.space_name),
    };
    let when = match &r.completed_at {
        Some(at) => format!("Completed {}", short_time(at)),
        None => "In progress".to_string(),
    };
    let blockers = (!r.blockers.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="blockers-title">
            <h2 id="blockers-title">{format!("What blocks level {}", r.level + 1)}</h2>
            <ul class="blockers">{r.blockers.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
        </section>
    });
    let open = (!r.open_items.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="open-title">
            <h2 id="open-title">"Open items"</h2>
            <p class="muted small">"Nobody has attested these yet (or the statement is older than 90 days)."</p>
            <ul>{r.open_items.iter().map(|o| view! { <li>{o.clone()}</li> }).collect_view()}</ul>
        </section>
    });
    view! {
        <header class="report-head">
            <p class="muted small">{format!("{} · Readiness report", r.tenant_name)}</p>
            <h1>{r.title.clone()}</h1>
            <p class="muted">{format!("{scope} · {when} · generated {}", short_time(&r.generated_at))}</p>
            <p class="lead">"Readiness: "<LevelBadge level=r.level /></p>
        </header>
        {blockers}
        {open}
        {r.questions.into_iter().map(|q| {
            let title_id = format!("q{}-title", q.number);
            view! {
                <section class="card report-question" aria-labelledby=title_id.clone()>
                    <h2 id=title_id.clone()>{format!("{}. {}", q.number, q.title)}</h2>
                    <p class="muted">{q.asks.clone()}</p>
                    <ul class="items">
                        {q.items.into_iter().map(|item| {
                            let class = format!("item item-{}", item.status.as_str());
                            view! { <li class=class><ItemSummary item /></li> }
                        }).collect_view()}
                    </ul>
                </section>
            }
        }).collect_view()}
    }
    .into_any()
}

/// Print, for browsers with JavaScript; otherwise the browser's own Print does the same.
#[component]
fn PrintButton() -> impl IntoView {
    // Shown once the page runs in the browser: before that it could not print.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        {move || hydrated.get().then(|| view! {
            <button type="button" class="button-secondary" on:click=print>"Print"</button>
        })}
    }
}

#[component]
pub fn EvaluationReportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<EvaluationId>().ok())
    };
    let share = ServerAction::<ShareEvaluation>::new();
    let revoke = ServerAction::<RevokeEvaluationShare>::new();
    let evaluation = Resource::new(
        move || (id(), share.version().get() + revoke.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_evaluation(id, None).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading what="the report" /> }>
            {move || Suspend::new(async move {
                match evaluation.await {
                    Ok(view) => view! { <MemberReport view share revoke /> }.into_any(),
                    Err(error) => view! { <Title text="Report" /><h1>"Report"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MemberReport(
    view: EvaluationView,
    share: ServerAction<ShareEvaluation>,
    revoke: ServerAction<RevokeEvaluationShare>,
) -> impl IntoView {
    let id = view.report.evaluation_id.clone();
    let title = view.report.title.clone();
    let changes = (!view.changes.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="changes-title">
            <h2 id="changes-title">"Changed since the last completed run"</h2>
            <table>
                <thead><tr><th scope="col">"What"</th><th scope="col">"Then"</th><th scope="col">"Now"</th></tr></thead>
                <tbody>{view.changes.iter().map(|c| view! {
                    <tr><th scope="row">{c.what.clone()}</th><td>{c.before.clone()}</td><td>{c.after.clone()}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>
    });
    let runs = (!view.snapshots.is_empty()).then(|| view! {
        <section class="card no-print" aria-labelledby="runs-title">
            <h2 id="runs-title">"Completed runs"</h2>
            <ul>{view.snapshots.iter().map(|s| view! {
                <li>{format!("{} · level {} · by {}", short_time(&s.taken_at), s.level, s.taken_by)}</li>
            }).collect_view()}</ul>
        </section>
    });
    let sharing = view
        .can_edit
        .then(|| view! { <Sharing view=view.clone() share revoke /> });
    view! {
        <Title text=format!("{title} · Report") />
        <p class="breadcrumb no-print"><a href="/evaluations">"Evaluation"</a>" › "<a href=format!("/evaluations/{id}")>{title.clone()}</a>" › Report"</p>
        <div class="report-actions no-print" role="group" aria-label="Report actions">
            <PrintButton />
            <a class="button-secondary" href=format!("/evaluations/{id}/export?format=md") download>"Download Markdown"</a>
            <a class="button-secondary" href=format!("/evaluations/{id}/export?format=json") download>"Download JSON"</a>
        </div>
        <ReportBody report=view.report.clone() />
        {changes}
        {runs}
        {sharing}
    }
    .into_any()
}

/// The full address of a shared report, once the page runs in a browser.
fn absolute(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return format!("{origin}{path}");
    }
    path.to_string()
}

#[component]
fn Sharing(
    view: EvaluationView,
    share: ServerAction<ShareEvaluation>,
    revoke: ServerAction<RevokeEvaluationShare>,
) -> impl IntoView {
    let shown = share.value();
    let pending = Memo::new(move |_| share.pending().get());
    // Effects run only in the browser: before hydration the link could not be shown
    // after it is made, so the button waits and the page says why.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let made = move || {
        shown.with(|v| match v {
            Some(Ok(made)) => Some(made.clone()),
            _ => None,
        })
    };
    let revoked = revoke.value();
    let shares = view.shares.clone();
    let evaluation_id = view.report.evaluation_id.clone();
    let list = (!shares.is_empty()).then(move || view! {
        <table>
            <caption class="visually-hidden">"Share links"</caption>
            <thead><tr><th scope="col">"Link"</th><th scope="col">"Made by"</th><th scope="col">"Expires"</th><th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>{shares.into_iter().map(|s| {
                let active = s.status == "active";
                let badge = if active { "badge badge-ok" } else { "badge badge-muted" };
                view! {
                    <tr>
                        <th scope="row" class="mono">{format!("{}…", s.prefix)}</th>
                        <td>{format!("{}, {}", s.created_by, short_time(&s.created_at))}</td>
                        <td>{short_time(&s.expires_at)}</td>
                        <td><span class=badge>{s.status.clone()}</span></td>
                        <td>{active.then(|| view! {
                            <ActionForm action=revoke attr:class="inline">
                                <input type="hidden" name="share_id" value=s.id.clone() />
                                <button type="submit" class="button-link danger">{format!("Revoke {}…", s.prefix)}</button>
                            </ActionForm>
                        })}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
        {move || revoked.with(|v| matches!(v, Some(Err(_)))).then(|| view! {
            <p class="error-text" role="alert">"The link could not be revoked; reload the page and try again."</p>
        })}
    });
    view! {
        <section class="card no-print" aria-labelledby="share-title">
            <h2 id="share-title">"Share"</h2>
            <p class="muted">"Inside the tenant, share this page's address: it asks for a sign-in. For someone without an account, make a share link: anyone holding it can read this report (nothing else) until it expires or you revoke it."</p>
            {move || made().map(|m| {
                let url = absolute(&m.url_path);
                view! {
                    <div class="notice notice-info notice-secret" role="status">
                        <p>{format!("Share link made. It works until {} — copy it now, it is shown only once.", short_time(&m.expires_at))}</p>
                        <div class="password-row">
                            <label class="visually-hidden" for="share-url">"The share link"</label>
                            <input id="share-url" type="text" readonly value=url.clone() class="mono" autocomplete="off" spellcheck="false" />
                            <CopyButton text=url label="Copy share link" />
                        </div>
                    </div>
                }
            })}
            {move || (!hydrated.get()).then(|| view! {
                <p class="notice notice-info">"Making a share link needs JavaScript: the link is shown only once, on this page."</p>
            })}
            <ActionForm action=share attr:class="inline-form">
                <input type="hidden" name="evaluation_id" value=evaluation_id />
                <label for="share-days">"Expires after (days, 1–30)"</label>
                <input id="share-days" type="text" inputmode="numeric" name="days" value="7" size="4"
                    aria-invalid=invalid(shown, "days") aria-describedby="share-days-error" />
                <button type="submit" class="button-primary" disabled=move || pending.get() || !hydrated.get()>"Make a share link"</button>
                <FieldError id="share-days-error" error=field_error(shown, "days") />
                <FormStatus pending value=shown success="" />
            </ActionForm>
            {list}
        </section>
    }
    .into_any()
}

/// A report opened through a share link, outside the console's frame.
#[component]
pub fn SharedReportPage() -> impl IntoView {
    let params = use_params_map();
    let secret = move || params.read().get("secret").unwrap_or_default();
    let report = Resource::new(secret, get_shared_report);
    view! {
        <main class="shared-report content" id="main">
            <Suspense fallback=|| view! { <Loading what="the report" /> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(r) => {
                            let path = format!("/shared/evaluations/{}/export", secret());
                            view! {
                                <Title text=format!("{} · Shared report", r.title) />
                                <p class="notice notice-info no-print">"A read-only report shared with you from Persona Console. It shows the deployment as it is right now."</p>
                                <div class="report-actions no-print" role="group" aria-label="Report actions">
                                    <PrintButton />
                                    <a class="button-secondary" href=format!("{path}?format=md") download>"Download Markdown"</a>
                                    <a class="button-secondary" href=format!("{path}?format=json") download>"Download JSON"</a>
                                </div>
                                <ReportBody report=r />
                            }.into_any()
                        }
                        Err(AppError::NotFound) => view! {
                            <Title text="Link not valid" />
                            <h1>"This link is not valid"</h1>
                            <p class="notice notice-error" role="alert">"It may have expired or been revoked, or it was copied incompletely. Ask the person who shared it for a new one."</p>
                        }.into_any(),
                        Err(error) => view! { <Title text="Shared report" /><h1>"Shared report"</h1><ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
