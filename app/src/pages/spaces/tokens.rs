//! A space's runtime tokens: what exists, what each may reach, and (for operators)
//! issuing, rotating and revoking. A new token's secret is shown once, here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::AppError;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{CopyButton, ErrorNotice, Loading, short_time};
use crate::server_fns::tokens::{IssueToken, RevokeToken, RotateToken, list_tokens};
use crate::types::{IssuedToken, RuntimeScope, SpaceId, TokenStatus, TokenView, TokensView};

/// Scopes a new token starts with: what most runtimes need, nothing more.
const DEFAULT_SCOPES: [RuntimeScope; 2] = [RuntimeScope::PolicyRead, RuntimeScope::DecisionsWrite];
const LIFETIMES: [(u32, &str); 5] = [
    (7, "7 days"),
    (30, "30 days"),
    (90, "90 days"),
    (180, "180 days"),
    (365, "365 days (the longest allowed)"),
];
const GRACE: [(u32, &str); 4] = [
    (1, "1 hour"),
    (24, "24 hours"),
    (72, "3 days"),
    (168, "7 days"),
];

#[derive(Clone, Copy)]
struct TokenActions {
    issue: ServerAction<IssueToken>,
    rotate: ServerAction<RotateToken>,
    revoke: ServerAction<RevokeToken>,
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let params = use_params_map();
    let space_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<SpaceId>().ok())
    };
    let actions = TokenActions {
        issue: ServerAction::new(),
        rotate: ServerAction::new(),
        revoke: ServerAction::new(),
    };
    let tokens = Resource::new(
        move || {
            (
                space_id(),
                actions.issue.version().get()
                    + actions.rotate.version().get()
                    + actions.revoke.version().get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => list_tokens(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading what="the tokens" /> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(view) => view! { <TokensBody view actions /> }.into_any(),
                    Err(error) => view! { <Title text="Runtime tokens" /><h1>"Runtime tokens"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TokensBody(view: TokensView, actions: TokenActions) -> impl IntoView {
    let space = view.space_id.to_string();
    let manage = view.can_manage;
    let form = manage.then(|| view.clone());
    view! {
        <Title text=format!("Runtime tokens · {}", view.space_name) />
        <p class="breadcrumb"><a href="/spaces">"Spaces"</a>" / "<a href=format!("/spaces/{space}")>{view.space_name.clone()}</a>" / "</p>
        <h1>"Runtime tokens"</h1>
        <p class="lead">"A runtime token lets a persona runtime call the runtime API for this space only: to read policy, ask for decisions, report what it did and hear kill-switches. Each token carries only the scopes chosen for it and always expires."</p>

        <NewSecret issued=actions.issue.value() />
        <NewSecret issued=actions.rotate.value() />

        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"Tokens"</h2>
            {if view.tokens.is_empty() {
                view! { <p class="empty">"No tokens yet. Issue one below for each runtime or integration, so each can be revoked on its own."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table>
                        <caption class="visually-hidden">"Runtime tokens of this space"</caption>
                        <thead><tr>
                            <th scope="col">"Token"</th>
                            <th scope="col">"May"</th>
                            <th scope="col">"Reaches"</th>
                            <th scope="col">"Issued"</th>
                            <th scope="col">"Expires"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"Status"</th>
                            {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {view.tokens.into_iter().map(|t| view! { <TokenRow token=t manage actions /> }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <FormStatus pending=Memo::new(move |_| actions.revoke.pending().get()) value=actions.revoke.value() success="Token revoked: it stops working on its next request." />
        </section>

        {form.map(|view| view! { <IssueForm view action=actions.issue /> })}
        {(!manage).then(|| view! { <p class="muted small">"Operators, admins and owners issue and revoke tokens; you can see them."</p> })}
    }
}

/// The one time a secret is shown: copy it now, or issue another.
#[component]
fn NewSecret<S>(issued: S) -> impl IntoView
where
    S: With<Value = Option<Result<IssuedToken, AppError>>> + Copy + Send + Sync + 'static,
{
    move || {
        issued.with(|v| match v {
            Some(Ok(t)) => Some(view! {
                <section class="card notice-secret" aria-labelledby="secret-title" role="status">
                    <h2 id="secret-title">"Your new token"</h2>
                    <p>"Copy it now and store it in your runtime's secret store: it is shown only this once. It expires "{short_time(&t.expires_at)}"."</p>
                    <div class="password-row">
                        <label class="visually-hidden" for="new-token">"The new token"</label>
                        <input id="new-token" type="text" readonly value=t.token.clone() class="mono" autocomplete="off" spellcheck="false" />
                        <CopyButton text=t.token.clone() label="Copy token" />
                    </div>
                </section>
            }),
            _ => None,
        })
    }
}

#[component]
fn TokenRow(token: TokenView, manage: bool, actions: TokenActions) -> impl IntoView {
    let live = matches!(token.status, TokenStatus::Active);
    let badge = match token.status {
        TokenStatus::Active => "badge badge-ok",
        TokenStatus::Rotating => "badge badge-warn",
        TokenStatus::Expired | TokenStatus::Revoked => "badge badge-muted",
    };
    let reach = match (&token.app, &token.persona) {
        (None, None) => "The whole space".to_string(),
        (Some((_, a)), None) => format!("App {a}"),
        (None, Some((_, p))) => format!("Persona {p}"),
        (Some((_, a)), Some((_, p))) => format!("App {a}, persona {p}"),
    };
    let id = token.id.to_string();
    let name = token.name.clone();
    view! {
        <tr>
            <th scope="row"><span class="cap-name">{token.name.clone()}</span><code class="small muted block">{format!("{}…", token.prefix)}</code></th>
            <td><ul class="chips">{token.scopes.iter().map(|s| view! { <li class="badge badge-muted" title=s.label()>{s.as_str()}</li> }).collect_view()}</ul></td>
            <td>{reach}</td>
            <td>{short_time(&token.created_at)}<span class="small muted block">{token.created_by.clone().map(|n| format!("by {n}")).unwrap_or_else(|| "by the command line".into())}</span></td>
            <td>{short_time(&token.expires_at)}</td>
            <td>{token.last_used_at.as_deref().map(short_time).unwrap_or_else(|| "Never".into())}</td>
            <td><span class=badge>{token.status.label()}</span></td>
            {manage.then(|| view! {
                <td>
                    {(live || token.status == TokenStatus::Rotating).then(|| {
                        let (id_r, id_v) = (id.clone(), id.clone());
                        let grace_id = format!("grace-{id}");
                        view! {
                            {live.then(|| view! {
                                <details class="row-action">
                                    <summary>"Rotate…"</summary>
                                    <ActionForm action=actions.rotate attr:class="stack">
                                        <input type="hidden" name="token_id" value=id_r />
                                        <label for=grace_id.clone()>"Keep the old token working for"</label>
                                        <select id=grace_id name="grace_hours">
                                            {GRACE.iter().map(|(h, l)| view! { <option value=h.to_string() selected=*h == 24>{*l}</option> }).collect_view()}
                                        </select>
                                        <button type="submit" class="button-secondary small">"Issue a successor"</button>
                                    </ActionForm>
                                </details>
                            })}
                            <details class="row-action">
                                <summary>"Revoke…"</summary>
                                <ActionForm action=actions.revoke attr:class="stack">
                                    <input type="hidden" name="token_id" value=id_v />
                                    <p class="small">{format!("“{name}” stops working on its next request, and its open streams close.")}</p>
                                    <button type="submit" class="button-danger small">"Revoke now"</button>
                                </ActionForm>
                            </details>
                        }
                    })}
                </td>
            })}
        </tr>
    }
}

#[component]
fn IssueForm(view: TokensView, action: ServerAction<IssueToken>) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    // Effects run only in the browser: until the page is hydrated the secret could not be
    // shown after issuing, so the button waits and the page says why.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <section class="card form-card" aria-labelledby="issue-title">
            <h2 id="issue-title">"Issue a token"</h2>
            {move || (!hydrated.get()).then(|| view! {
                <p class="notice notice-info">"Issuing a token needs JavaScript: its secret is shown once, on this page. Without it, use the command line: persona-console token issue."</p>
            })}
            <ActionForm action attr:class="stack">
                <input type="hidden" name="space_id" value=view.space_id.to_string() />
                <label for="token-name">"Name"</label>
                <input id="token-name" type="text" name="name" required maxlength="120" placeholder="e.g. Support runtime, production"
                    aria-invalid=invalid(value, "name") aria-describedby="token-name-hint token-name-error" />
                <p class="small muted" id="token-name-hint">"Say which runtime or integration holds it, so you know what breaks if you revoke it."</p>
                <FieldError id="token-name-error" error=field_error(value, "name") />
                <fieldset aria-describedby="token-scopes-error">
                    <legend>"It may"</legend>
                    {RuntimeScope::ALL.iter().map(|s| {
                        let id = format!("scope-{}", s.as_str().replace(':', "-"));
                        let for_id = id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input id=id type="checkbox" name="scopes[]" value=s.as_str() checked=DEFAULT_SCOPES.contains(s) />
                                {s.label()}" "<code class="small muted">{s.as_str()}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <FieldError id="token-scopes-error" error=field_error(value, "scopes") />
                <label for="token-app">"Only for app"</label>
                <select id="token-app" name="app_id" aria-describedby="token-app-error">
                    <option value="">"Any app of this space"</option>
                    {view.apps.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <FieldError id="token-app-error" error=field_error(value, "app_id") />
                <label for="token-persona">"Only for persona"</label>
                <select id="token-persona" name="persona_id" aria-describedby="token-persona-error">
                    <option value="">"Any persona of this space"</option>
                    {view.personas.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <FieldError id="token-persona-error" error=field_error(value, "persona_id") />
                <label for="token-expiry">"Expires after"</label>
                <select id="token-expiry" name="expires_in_days" aria-describedby="token-expiry-error">
                    {LIFETIMES.iter().map(|(d, l)| view! { <option value=d.to_string() selected=*d == 90>{*l}</option> }).collect_view()}
                </select>
                <FieldError id="token-expiry-error" error=field_error(value, "expires_in_days") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get() || !hydrated.get()>"Issue token"</button>
                    <FormStatus pending value success="Token issued: copy it from the box above." />
                </div>
            </ActionForm>
        </section>
    }
}
