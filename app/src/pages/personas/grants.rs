//! A persona's grants: what it may touch, how, where, and from which stage, with the
//! forms to add, change and remove them.

use leptos::prelude::*;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::server_fns::personas::{RemoveGrant, SetGrant};
use crate::types::{Access, GrantView, PersonaDetailView, PersonaId, stage_name};

#[derive(Clone, Copy)]
pub struct GrantActions {
    pub add: ServerAction<SetGrant>,
    pub edit: ServerAction<SetGrant>,
    pub remove: ServerAction<RemoveGrant>,
}

impl GrantActions {
    pub fn new() -> Self {
        Self {
            add: ServerAction::new(),
            edit: ServerAction::new(),
            remove: ServerAction::new(),
        }
    }

    pub fn version(&self) -> usize {
        self.add.version().get() + self.edit.version().get() + self.remove.version().get()
    }
}

fn access_class(access: Access) -> &'static str {
    match access {
        Access::Write => "badge access-write",
        Access::Approval => "badge access-approval",
        Access::Read => "badge access-read",
        Access::Denied => "badge access-denied",
    }
}

#[component]
pub fn Grants(view: PersonaDetailView, actions: GrantActions) -> impl IntoView {
    let edit = view.can_edit;
    let stage = view.stage;
    let remove_value = actions.remove.value();
    let edit_value = actions.edit.value();
    let rows = view.grants.clone();
    let empty = rows.is_empty();
    let no_capabilities = view.capabilities.is_empty();
    let persona = view.clone();
    view! {
        <section class="card" aria-labelledby="grants-title">
            <h2 id="grants-title">"Grants"</h2>
            <p class="muted small">"A grant is active once the persona's stage reaches its minimum stage. Actions flagged high-risk, financial, privileged or irreversible need a human's approval unless an admin records why not."</p>
            {if empty {
                view! { <p class="empty">"No grants: this persona may not use any capability yet."</p> }.into_any()
            } else {
                view! {
                    <table class="grants">
                        <caption class="visually-hidden">"Grants of this persona"</caption>
                        <thead><tr>
                            <th scope="col">"Capability"</th><th scope="col">"Access"</th><th scope="col">"Environments"</th>
                            <th scope="col">"From stage"</th><th scope="col"><span class="visually-hidden">"Change"</span></th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|g| {
                                let active = stage >= g.min_stage;
                                let persona = persona.clone();
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <span class="cap-name">{g.capability_name.clone()}</span>
                                            <span class="muted small block">{g.action_name.clone().unwrap_or_else(|| "Every action".into())}</span>
                                            {g.risky.then(|| view! { <span class="badge badge-risk">"risky"</span> })}
                                        </th>
                                        <td>
                                            <span class=access_class(g.access)>{g.access.label()}</span>
                                            {g.reason.clone().map(|r| view! { <span class="small block">"Without approval because: "<q>{r}</q></span> })}
                                        </td>
                                        <td>{g.environments.join(", ")}</td>
                                        <td>
                                            {format!("{} · {}", g.min_stage, stage_name(g.min_stage))}
                                            <span class=if active { "small block ok" } else { "small block muted" }>
                                                {if active { "Active now" } else { "Inactive until promoted" }}
                                            </span>
                                        </td>
                                        <td>{edit.then(|| view! { <GrantRowActions grant=g.clone() persona actions /> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {move || match (remove_value.read().as_ref(), edit_value.read().as_ref()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <p class="error-text" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
            {(edit && !no_capabilities).then(|| view! { <GrantForm persona=view.clone() grant=None action=actions.add /> })}
            {(edit && no_capabilities).then(|| view! {
                <p class="muted">"Enable a capability in "<a href=format!("/spaces/{}", view.space_id)>"the space"</a>" before granting it."</p>
            })}
        </section>
    }
}

#[component]
fn GrantRowActions(
    grant: GrantView,
    persona: PersonaDetailView,
    actions: GrantActions,
) -> impl IntoView {
    let remove = actions.remove;
    view! {
        <details class="row-details">
            <summary>"Change"</summary>
            <GrantForm persona=persona.clone() grant=Some(grant.clone()) action=actions.edit />
        </details>
        <ActionForm action=remove attr:class="inline">
            <input type="hidden" name="persona_id" value=persona.id.to_string() />
            <input type="hidden" name="grant_id" value=grant.id.to_string() />
            <input type="hidden" name="version" value=grant.version.to_string() />
            <button type="submit" class="button-link danger">"Remove"</button>
        </ActionForm>
    }
}

/// Adds a grant (`grant: None`) or changes one (its version goes along: a grant changed
/// by someone else in between is refused, not overwritten).
#[component]
fn GrantForm(
    persona: PersonaDetailView,
    grant: Option<GrantView>,
    action: ServerAction<SetGrant>,
) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    let prefix = grant
        .as_ref()
        .map(|g| format!("g-{}", g.id))
        .unwrap_or_else(|| "new-grant".into());
    let id = move |what: &str| format!("{prefix}-{what}");
    let editing = grant.is_some();
    let chosen_envs: Vec<String> = grant
        .as_ref()
        .map(|g| g.environments.clone())
        .unwrap_or_else(|| persona.environments.iter().take(1).cloned().collect());
    let chosen_access = grant
        .as_ref()
        .map(|g| g.access.as_str().to_string())
        .unwrap_or_default();
    let chosen_stage = grant.as_ref().map(|g| g.min_stage).unwrap_or(1);
    let target = grant.as_ref().and_then(|g| {
        let cap = persona
            .capabilities
            .iter()
            .find(|c| c.key == g.capability_key)?;
        let cap_id = cap.id.as_ref()?.to_string();
        Some(match &g.action_name {
            Some(a) => format!("{cap_id}/{a}"),
            None => cap_id,
        })
    });
    let persona_id: PersonaId = persona.id.clone();
    view! {
        <ActionForm action attr:class="stack grant-form">
            {(!editing).then(|| view! { <h3>"Add a grant"</h3> })}
            <input type="hidden" name="persona_id" value=persona_id.to_string() />
            {grant.as_ref().map(|g| view! { <input type="hidden" name="version" value=g.version.to_string() /> })}
            {match target {
                Some(t) => view! { <input type="hidden" name="target" value=t /> }.into_any(),
                None => view! {
                    <label for=id("target")>"Capability and action"</label>
                    <select id=id("target") name="target" aria-describedby=id("target-error")>
                        {persona.capabilities.iter().filter_map(|c| {
                            let cap_id = c.id.as_ref()?.to_string();
                            Some(view! {
                                <optgroup label=c.name.clone()>
                                    <option value=cap_id.clone()>{format!("{}: every action", c.name)}</option>
                                    {c.actions.iter().map(|a| {
                                        let flags = a.risk.labels();
                                        let label = if flags.is_empty() { a.name.clone() } else { format!("{} ({})", a.name, flags.join(", ")) };
                                        view! { <option value=format!("{cap_id}/{}", a.name)>{label}</option> }
                                    }).collect_view()}
                                </optgroup>
                            })
                        }).collect_view()}
                    </select>
                }.into_any(),
            }}
            <FieldError id=id("target-error") error=move || field_error(value, "capability")().or_else(field_error(value, "action")) />
            <label for=id("access")>"Access"</label>
            <select id=id("access") name="access" aria-invalid=invalid(value, "access") aria-describedby=id("access-error")>
                <option value="" selected=chosen_access.is_empty()>"Default: approval for risky actions, read otherwise"</option>
                {[Access::Read, Access::Write, Access::Approval, Access::Denied].into_iter().map(|a| {
                    let selected = chosen_access == a.as_str();
                    view! { <option value=a.as_str() selected=selected>{a.label()}</option> }
                }).collect_view()}
            </select>
            <FieldError id=id("access-error") error=field_error(value, "access") />
            <fieldset aria-describedby=id("envs-error")>
                <legend>"Environments"</legend>
                {persona.environments.iter().map(|e| {
                    let checked = chosen_envs.contains(e);
                    view! { <label class="check"><input type="checkbox" name="environments[]" value=e.clone() checked=checked />" "{e.clone()}</label> }
                }).collect_view()}
            </fieldset>
            <FieldError id=id("envs-error") error=field_error(value, "environments") />
            <label for=id("stage")>"Active from stage"</label>
            <select id=id("stage") name="min_stage" aria-describedby=id("stage-error")>
                {(1u8..=4).map(|s| view! { <option value=s.to_string() selected=s == chosen_stage>{format!("{s} · {}", stage_name(s))}</option> }).collect_view()}
            </select>
            <FieldError id=id("stage-error") error=field_error(value, "min_stage") />
            {persona.can_lower_risk.then(|| view! {
                <label for=id("reason")>"Reason " <span class="muted">"(only to let a risky action run without approval)"</span></label>
                <textarea id=id("reason") name="reason" rows="2" maxlength="500" aria-invalid=invalid(value, "reason") aria-describedby=id("reason-error")></textarea>
            })}
            <FieldError id=id("reason-error") error=field_error(value, "reason") />
            <div class="form-actions">
                <button type="submit" class="button-primary" disabled=move || pending.get()>{if editing { "Save grant" } else { "Add grant" }}</button>
                <FormStatus pending value success=if editing { "Grant saved." } else { "Grant added." } />
            </div>
        </ActionForm>
    }
}
