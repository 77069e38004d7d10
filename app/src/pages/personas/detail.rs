//! One persona: who owns it, who is on call, what it keeps, and its grants.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::grants::{GrantActions, Grants};
use super::rollout::PersonaRollout;
use crate::AppError;
use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::personas::{UpdatePersona, get_persona};
use crate::types::{Continuity, MemberRef, PersonaDetailView, PersonaId, stage_name};

#[component]
pub fn PersonaDetailPage() -> impl IntoView {
    let params = use_params_map();
    let persona_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<PersonaId>().ok())
    };
    let update = ServerAction::<UpdatePersona>::new();
    let grants = GrantActions::new();
    // Bumped by the rollout section's own actions (the stage in the heading moves).
    let stage_changed = RwSignal::new(0usize);
    let persona = Resource::new(
        move || {
            (
                persona_id(),
                update.version().get() + grants.version() + stage_changed.get(),
            )
        },
        |(id, _)| async move {
            match id {
                Some(id) => get_persona(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading what="the persona" /> }>
            {move || Suspend::new(async move {
                match persona.await {
                    Ok(view) => view! { <PersonaBody view update grants /> }.into_any(),
                    Err(error) => view! { <Title text="Persona" /><h1>"Persona"</h1><ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
        // Beside the persona's Suspense, not inside it: each section loads its own data.
        {move || persona_id().map(|id| view! {
            <PersonaRollout
                persona_id=id
                changed=stage_changed
                refresh=Signal::derive(move || update.version().get() + grants.version())
            />
        })}
    }
}

fn who(member: &Option<MemberRef>, none: &'static str) -> String {
    member
        .as_ref()
        .map(|m| format!("{} ({})", m.display_name, m.email))
        .unwrap_or_else(|| none.into())
}

#[component]
fn PersonaBody(
    view: PersonaDetailView,
    update: ServerAction<UpdatePersona>,
    grants: GrantActions,
) -> impl IntoView {
    let continuity = if view.continuity.is_empty() {
        "None chosen".to_string()
    } else {
        view.continuity
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let edit = view.can_edit;
    view! {
        <Title text=view.name.clone() />
        <p class="breadcrumb"><a href="/personas">"Personas"</a>" / "<a href=format!("/spaces/{}", view.space_id)>{view.space_name.clone()}</a>" / "</p>
        <h1>{view.name.clone()}" "<span class=format!("badge stage-{}", view.stage)>{format!("Stage {} · {}", view.stage, stage_name(view.stage))}</span></h1>
        <p class="lead">{view.role_description.clone()}</p>
        <p class="page-links"><a href=format!("/activity?space={}&persona={}", view.space_id, view.id)>"Activity"</a>" — what this persona's runtime asked and reported"</p>
        <section class="card" aria-labelledby="about-title">
            <h2 id="about-title">"About"</h2>
            <dl class="facts">
                <dt>"Space"</dt><dd><a href=format!("/spaces/{}", view.space_id)>{view.space_name.clone()}</a>" "<span class="muted small">"(a persona never moves: create a new one in another space instead)"</span></dd>
                <dt>"Owner"</dt><dd>{who(&view.owner, "Nobody")}</dd>
                <dt>"On-call operator"</dt><dd>{who(&view.on_call, "Nobody yet: promotion beyond the pilot will ask for one")}</dd>
                <dt>"Continuity"</dt><dd>{continuity}</dd>
                <dt>"Status"</dt><dd>{view.status.clone()}</dd>
            </dl>
            {edit.then(|| view! { <EditPersonaForm view=view.clone() action=update /> })}
        </section>
        <Grants view=view.clone() actions=grants />
    }
}

#[component]
fn EditPersonaForm(view: PersonaDetailView, action: ServerAction<UpdatePersona>) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    let owner = view
        .owner
        .as_ref()
        .map(|m| m.user_id.to_string())
        .unwrap_or_default();
    let on_call = view
        .on_call
        .as_ref()
        .map(|m| m.user_id.to_string())
        .unwrap_or_default();
    let members = view.members.clone();
    let options = move |selected: String| {
        members
            .iter()
            .map(|m| {
                let id = m.user_id.to_string();
                let is = id == selected;
                view! { <option value=id selected=is>{format!("{} ({})", m.display_name, m.email)}</option> }
            })
            .collect_view()
    };
    view! {
        <details class="form-details">
            <summary>"Edit details"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="persona_id" value=view.id.to_string() />
                <input type="hidden" name="version" value=view.version.to_string() />
                <label for="p-name">"Name"</label>
                <input id="p-name" type="text" name="name" required maxlength="120" value=view.name.clone()
                    aria-invalid=invalid(value, "name") aria-describedby="p-name-error" />
                <FieldError id="p-name-error" error=field_error(value, "name") />
                <label for="p-role">"Role"</label>
                <textarea id="p-role" name="role_description" rows="2" required maxlength="1000"
                    aria-invalid=invalid(value, "role_description") aria-describedby="p-role-error">{view.role_description.clone()}</textarea>
                <FieldError id="p-role-error" error=field_error(value, "role_description") />
                <label for="p-owner">"Owner"</label>
                <select id="p-owner" name="owner" required aria-describedby="p-owner-error">
                    // An owner who has left the tenant is not silently replaced by the first
                    // member in the list: the form asks for a choice.
                    {owner.is_empty().then(|| view! { <option value="" selected=true>"Choose an owner (nobody owns it now)"</option> })}
                    {options(owner)}
                </select>
                <FieldError id="p-owner-error" error=field_error(value, "owner") />
                <label for="p-on-call">"On-call operator"</label>
                <select id="p-on-call" name="on_call" aria-describedby="p-on-call-error">
                    <option value="">"Nobody yet"</option>
                    {options(on_call)}
                </select>
                <FieldError id="p-on-call-error" error=field_error(value, "on_call") />
                <fieldset>
                    <legend>"Continuity"</legend>
                    {Continuity::ALL.iter().map(|c| {
                        let checked = view.continuity.contains(c);
                        view! { <label class="check"><input type="checkbox" name="continuity[]" value=c.as_str() checked=checked />" "{c.label()}</label> }
                    }).collect_view()}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Save changes"</button>
                    <FormStatus pending value success="Saved." />
                </div>
            </ActionForm>
        </details>
    }
}
