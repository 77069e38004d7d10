//! One space: its environments, personas, apps and capabilities, with the forms an
//! operator uses to change them (shown only to those who may).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::capabilities::{Capabilities, CapabilityActions};
use super::stages::StageLimits;
use crate::AppError;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::personas::CreatePersona;
use crate::server_fns::spaces::{AddEnvironment, CreateApp, get_space};
use crate::types::{AppKind, Continuity, MemberRef, SpaceDetailView, SpaceId, stage_name};

#[component]
pub fn SpaceDetailPage() -> impl IntoView {
    let params = use_params_map();
    // A malformed id is simply not found; it never reaches the server as text.
    let space_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<SpaceId>().ok())
    };
    let add_env = ServerAction::<AddEnvironment>::new();
    let create_app = ServerAction::<CreateApp>::new();
    let create_persona = ServerAction::<CreatePersona>::new();
    let caps = CapabilityActions::new();
    let space = Resource::new(
        move || {
            (
                space_id(),
                add_env.version().get() + create_app.version().get() + caps.version(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_space(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading what="the space" /> }>
            {move || Suspend::new(async move {
                match space.await {
                    Ok(view) => view! { <SpaceBody view add_env create_app create_persona caps /> }.into_any(),
                    Err(error) => view! { <Title text="Space" /><h1>"Space"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        // Beside the space's Suspense: it loads its own data (and follows new environments).
        {move || space_id().map(|id| view! {
            <StageLimits space_id=id refresh=Signal::derive(move || add_env.version().get()) />
        })}
    }
}

#[component]
fn SpaceBody(
    view: SpaceDetailView,
    add_env: ServerAction<AddEnvironment>,
    create_app: ServerAction<CreateApp>,
    create_persona: ServerAction<CreatePersona>,
    caps: CapabilityActions,
) -> impl IntoView {
    let query = use_query_map();
    let disable = move || query.read().get("disable");
    let edit = view.can_edit;
    let id = view.id.clone();
    view! {
        <Title text=view.name.clone() />
        <p class="breadcrumb"><a href="/spaces">"Spaces"</a>" / "</p>
        <h1>{view.name.clone()}</h1>
        <p class="lead">{view.description.clone()}</p>
        <p class="small muted">"Your role here: "<strong>{view.your_role.label()}</strong>
            {(!edit).then_some(" · you can see this space but not change it.")}</p>
        <p class="page-links"><a href=format!("/spaces/{id}/tokens")>"Runtime tokens"</a>" — how persona runtimes reach this space · "<a href=format!("/activity?space={id}")>"Activity"</a>" — what they asked and reported"</p>

        <section class="card" aria-labelledby="envs-title">
            <h2 id="envs-title">"Environments"</h2>
            <p class="muted small">"Grants name the environments a persona may act in; nothing outside these exists for this space."</p>
            <ul class="chips">
                {view.environments.iter().map(|e| view! { <li class="badge badge-muted">{e.clone()}</li> }).collect_view()}
            </ul>
            {edit.then(|| view! { <AddEnvironmentForm space_id=id.clone() action=add_env /> })}
        </section>

        <section class="card" aria-labelledby="personas-title">
            <h2 id="personas-title">"Personas"</h2>
            {if view.personas.is_empty() {
                view! { <p class="empty">"No personas in this space yet."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <caption class="visually-hidden">"Personas in this space"</caption>
                        <thead><tr><th scope="col">"Persona"</th><th scope="col">"Rollout stage"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            {view.personas.iter().map(|p| view! {
                                <tr>
                                    <th scope="row">
                                        <a class="persona-name" href=format!("/personas/{}", p.id)>{p.name.clone()}</a>
                                        <span class="muted small block">{p.role_description.clone()}</span>
                                    </th>
                                    <td><span class=format!("badge stage-{}", p.stage)>{format!("{} · {}", p.stage, stage_name(p.stage))}</span></td>
                                    <td>{p.status.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {edit.then(|| view! { <CreatePersonaForm space_id=id.clone() members=view.members.clone() action=create_persona /> })}
        </section>

        <section class="card" aria-labelledby="apps-title">
            <h2 id="apps-title">"Apps"</h2>
            <p class="muted small">"The product surfaces and integrations that host this space's personas."</p>
            {if view.apps.is_empty() {
                view! { <p class="empty">"No apps yet."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <caption class="visually-hidden">"Apps in this space"</caption>
                        <thead><tr><th scope="col">"App"</th><th scope="col">"Kind"</th><th scope="col">"Description"</th></tr></thead>
                        <tbody>
                            {view.apps.iter().map(|a| view! {
                                <tr><th scope="row">{a.name.clone()}</th><td>{a.kind.label()}</td><td class="muted">{a.description.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {edit.then(|| view! { <CreateAppForm space_id=id.clone() action=create_app /> })}
        </section>

        <Capabilities space_id=id.clone() capabilities=view.capabilities.clone() can_edit=edit actions=caps disable=Signal::derive(disable) />
    }
}

#[component]
fn AddEnvironmentForm(space_id: SpaceId, action: ServerAction<AddEnvironment>) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="space_id" value=space_id.to_string() />
            <label for="env-name">"Add an environment"</label>
            <input id="env-name" type="text" name="name" required maxlength="40" placeholder="e.g. eu-production"
                aria-invalid=invalid(value, "name") aria-describedby="env-name-error" />
            <button type="submit" class="button-secondary" disabled=move || pending.get()>"Add"</button>
            <FieldError id="env-name-error" error=field_error(value, "name") />
            <FormStatus pending value success="Environment added." />
        </ActionForm>
    }
}

#[component]
fn CreateAppForm(space_id: SpaceId, action: ServerAction<CreateApp>) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <details class="form-details">
            <summary>"Create an app"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="space_id" value=space_id.to_string() />
                <label for="app-name">"Name"</label>
                <input id="app-name" type="text" name="name" required maxlength="120"
                    aria-invalid=invalid(value, "name") aria-describedby="app-name-error" />
                <FieldError id="app-name-error" error=field_error(value, "name") />
                <label for="app-kind">"Kind"</label>
                <select id="app-kind" name="kind" aria-describedby="app-kind-error">
                    {AppKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <FieldError id="app-kind-error" error=field_error(value, "kind") />
                <label for="app-description">"Description " <span class="muted">"(optional)"</span></label>
                <textarea id="app-description" name="description" rows="2" maxlength="2000"></textarea>
                <FieldError id="app-description-error" error=field_error(value, "description") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Create app"</button>
                    <FormStatus pending value success="App created." />
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn CreatePersonaForm(
    space_id: SpaceId,
    members: Vec<MemberRef>,
    action: ServerAction<CreatePersona>,
) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    let options = move |members: &[MemberRef]| {
        members
            .iter()
            .map(|m| view! { <option value=m.user_id.to_string()>{format!("{} ({})", m.display_name, m.email)}</option> })
            .collect_view()
    };
    view! {
        <details class="form-details">
            <summary>"Create a persona"</summary>
            <p class="muted small">"A persona lives in this space for its whole life. It starts at stage 1, Pilot."</p>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="space_id" value=space_id.to_string() />
                <label for="persona-name">"Name"</label>
                <input id="persona-name" type="text" name="name" required maxlength="120"
                    aria-invalid=invalid(value, "name") aria-describedby="persona-name-error" />
                <FieldError id="persona-name-error" error=field_error(value, "name") />
                <label for="persona-role">"Role: what is this persona for?"</label>
                <textarea id="persona-role" name="role_description" rows="2" required maxlength="1000"
                    aria-invalid=invalid(value, "role_description") aria-describedby="persona-role-error"></textarea>
                <FieldError id="persona-role-error" error=field_error(value, "role_description") />
                <label for="persona-owner">"Owner"</label>
                <select id="persona-owner" name="owner" aria-describedby="persona-owner-error">
                    <option value="">"Me"</option>
                    {options(&members)}
                </select>
                <FieldError id="persona-owner-error" error=field_error(value, "owner") />
                <label for="persona-on-call">"On-call operator"</label>
                <select id="persona-on-call" name="on_call" aria-describedby="persona-on-call-error">
                    <option value="">"Nobody yet"</option>
                    {options(&members)}
                </select>
                <FieldError id="persona-on-call-error" error=field_error(value, "on_call") />
                <fieldset>
                    <legend>"Continuity: what it keeps between conversations"</legend>
                    {Continuity::ALL.iter().map(|c| view! {
                        <label class="check"><input type="checkbox" name="continuity[]" value=c.as_str() />" "{c.label()}</label>
                    }).collect_view()}
                </fieldset>
                <FieldError id="persona-continuity-error" error=field_error(value, "continuity") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Create persona"</button>
                    <FormStatus pending value success="Persona created." />
                </div>
            </ActionForm>
        </details>
    }
}
