//! A space's capabilities: the seven built-in surfaces (enable / disable) and connected
//! external systems (register / disable). Disabling first shows which grants would end.

use leptos::prelude::*;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::capabilities::{
    DisableCapability, EnableBuiltin, RegisterExternalSystem, get_disable_impact,
};
use crate::types::{
    ActionKind, ActionView, CapabilityId, CapabilitySource, CapabilityView, SpaceId, SystemKind,
};

/// The actions this section submits; the page refetches when any of them completes.
#[derive(Clone, Copy)]
pub struct CapabilityActions {
    pub enable: ServerAction<EnableBuiltin>,
    pub register: ServerAction<RegisterExternalSystem>,
    pub disable: ServerAction<DisableCapability>,
}

impl CapabilityActions {
    pub fn new() -> Self {
        Self {
            enable: ServerAction::new(),
            register: ServerAction::new(),
            disable: ServerAction::new(),
        }
    }

    pub fn version(&self) -> usize {
        self.enable.version().get() + self.register.version().get() + self.disable.version().get()
    }
}

/// An action's name with its kind and risk flags, as people read them.
#[component]
pub fn ActionList(actions: Vec<ActionView>) -> impl IntoView {
    view! {
        <ul class="action-list">
            {actions.into_iter().map(|a| {
                let risks = a.risk.labels();
                view! {
                    <li>
                        <code>{a.name}</code>
                        <span class="muted small">{match a.kind { ActionKind::Read => " reads", ActionKind::Write => " writes" }}</span>
                        {risks.into_iter().map(|r| view! { <span class="badge badge-risk">{r}</span> }).collect_view()}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn Capabilities(
    space_id: SpaceId,
    capabilities: Vec<CapabilityView>,
    can_edit: bool,
    actions: CapabilityActions,
    disable: Signal<Option<String>>,
) -> impl IntoView {
    let (builtins, external): (Vec<_>, Vec<_>) = capabilities
        .into_iter()
        .partition(|c| matches!(c.source, CapabilitySource::BuiltIn(_)));
    let enable = actions.enable;
    let enable_value = enable.value();
    let space = space_id.clone();
    let register_space = space_id.clone();
    let row_action = move |c: &CapabilityView| -> AnyView {
        let space = space.clone();
        if !can_edit {
            return ().into_any();
        }
        match (&c.id, c.enabled, &c.source) {
            (Some(id), true, _) => view! {
                <a class="button-link danger" href=format!("?disable={id}#disable-title")>"Disable…"</a>
            }
            .into_any(),
            (_, false, CapabilitySource::BuiltIn(b)) => {
                let b = *b;
                view! {
                <ActionForm action=enable attr:class="inline">
                    <input type="hidden" name="space_id" value=space.to_string() />
                    <input type="hidden" name="builtin" value=b.as_str() />
                    <button type="submit" class="button-secondary">{format!("Enable {}", b.label())}</button>
                </ActionForm>
            }
            .into_any()
            }
            _ => ().into_any(),
        }
    };
    let row = move |c: CapabilityView| {
        let action = row_action(&c);
        let external = match &c.source {
            CapabilitySource::External { kind, endpoint } => Some(view! {
                <span class="muted small block">{kind.label()}" · "<code>{endpoint.clone()}</code></span>
            }),
            CapabilitySource::BuiltIn(_) => None,
        };
        view! {
            <tr>
                <th scope="row"><span class="cap-name">{c.name.clone()}</span>" "<code class="muted small">{c.key.clone()}</code>{external}</th>
                <td><ActionList actions=c.actions.clone() /></td>
                <td>{if c.enabled {
                    view! { <span class="badge badge-ok">"Enabled"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-muted">"Not enabled"</span> }.into_any()
                }}</td>
                <td>{c.grant_count.unwrap_or_default()}</td>
                <td>{action}</td>
            </tr>
        }
    };
    let table = move |rows: Vec<CapabilityView>, caption: &'static str| {
        let row = row.clone();
        view! {
            <table>
                <caption class="visually-hidden">{caption}</caption>
                <thead><tr>
                    <th scope="col">"Capability"</th><th scope="col">"Actions"</th><th scope="col">"Status"</th>
                    <th scope="col">"Grants"</th><th scope="col"><span class="visually-hidden">"Change"</span></th>
                </tr></thead>
                <tbody>{rows.into_iter().map(row.clone()).collect_view()}</tbody>
            </table>
        }
    };
    let external_empty = external.is_empty();
    view! {
        {move || disable.get().filter(|_| can_edit).map(|cap| view! {
            <DisablePanel space_id=space_id.clone() capability_id=CapabilityId::from_db(cap) action=actions.disable />
        })}
        <section class="card" aria-labelledby="builtins-title">
            <h2 id="builtins-title">"Built-in surfaces"</h2>
            <p class="muted small">"Enabling a surface lets this space's personas be granted it; nothing is granted until you say so."</p>
            {table(builtins, "Built-in surfaces")}
            {move || match enable_value.read().as_ref() {
                Some(Err(e)) => Some(view! { <p class="error-text" role="alert">{e.to_string()}</p> }),
                _ => None,
            }}
        </section>
        <section class="card" aria-labelledby="external-title">
            <h2 id="external-title">"External systems"</h2>
            {if external_empty {
                view! { <p class="empty">"No external systems connected yet."</p> }.into_any()
            } else {
                table(external, "External systems").into_any()
            }}
            {can_edit.then(|| view! { <RegisterSystemForm space_id=register_space.clone() action=actions.register /> })}
        </section>
    }
}

#[component]
fn RegisterSystemForm(
    space_id: SpaceId,
    action: ServerAction<RegisterExternalSystem>,
) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <details class="form-details">
            <summary>"Connect an external system"</summary>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="space_id" value=space_id.to_string() />
                <label for="sys-kind">"Kind"</label>
                <select id="sys-kind" name="kind">
                    {SystemKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
                <FieldError id="sys-kind-error" error=field_error(value, "kind") />
                <label for="sys-name">"Name"</label>
                <input id="sys-name" type="text" name="name" required maxlength="120" placeholder="e.g. Salesforce"
                    aria-invalid=invalid(value, "name") aria-describedby="sys-name-help sys-name-error" />
                <p class="muted small" id="sys-name-help">"Its key for runtimes comes from the name (Salesforce → salesforce)."</p>
                <FieldError id="sys-name-error" error=field_error(value, "name") />
                <label for="sys-endpoint">"Base URL or identifier"</label>
                <input id="sys-endpoint" type="text" name="endpoint" required maxlength="500" placeholder="https://api.example.com"
                    aria-invalid=invalid(value, "endpoint") aria-describedby="sys-endpoint-error" />
                <FieldError id="sys-endpoint-error" error=field_error(value, "endpoint") />
                <label for="sys-actions">"Actions it exposes"</label>
                <textarea id="sys-actions" name="actions" rows="4" required
                    aria-invalid=invalid(value, "actions") aria-describedby="sys-actions-help sys-actions-error"
                    placeholder="lookup_customer read\nupdate_record write\nissue_refund write financial irreversible"></textarea>
                <p class="muted small" id="sys-actions-help">
                    "One per line: a name, then "<code>"read"</code>" or "<code>"write"</code>", then any of "
                    <code>"high_risk"</code>", "<code>"financial"</code>", "<code>"privileged"</code>", "<code>"irreversible"</code>
                    ". Flagged actions need a human's approval unless an admin says otherwise."
                </p>
                <FieldError id="sys-actions-error" error=field_error(value, "actions") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Connect system"</button>
                    <FormStatus pending value success="System connected." />
                </div>
            </ActionForm>
        </details>
    }
}

#[component]
fn DisablePanel(
    space_id: SpaceId,
    capability_id: CapabilityId,
    action: ServerAction<DisableCapability>,
) -> impl IntoView {
    let (sid, cid) = (space_id.clone(), capability_id.clone());
    let impact = Resource::new(
        move || (sid.clone(), cid.clone()),
        |(s, c)| get_disable_impact(s, c),
    );
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <section class="card confirm" aria-labelledby="disable-title">
            <Suspense fallback=|| view! { <Loading what="what this would end" /> }>
                {move || {
                    let (space_id, capability_id) = (space_id.clone(), capability_id.clone());
                    Suspend::new(async move {
                        match impact.await {
                            Ok(i) => {
                                let n = i.grants.len();
                                view! {
                                    <h2 id="disable-title">{format!("Disable {}?", i.capability_name)}</h2>
                                    {if n == 0 {
                                        view! { <p>"No persona holds a grant on it: nothing else changes."</p> }.into_any()
                                    } else {
                                        view! {
                                            <p>{format!("This ends {n} grant{} at once, in the same step:", if n == 1 { "" } else { "s" })}</p>
                                            <ul>
                                                {i.grants.into_iter().map(|g| view! {
                                                    <li><strong>{g.persona_name}</strong>" · "{g.action_name.unwrap_or_else(|| "every action".into())}" · "{g.access.label()}</li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                    <ActionForm action attr:class="inline-form">
                                        <input type="hidden" name="space_id" value=space_id.to_string() />
                                        <input type="hidden" name="capability_id" value=capability_id.to_string() />
                                        <input type="hidden" name="seen_grants" value=n.to_string() />
                                        <button type="submit" class="button-danger" disabled=move || pending.get()>"Disable and end these grants"</button>
                                        <a href="?" class="button-link">"Cancel"</a>
                                        <FormStatus pending value success="Disabled." />
                                    </ActionForm>
                                }.into_any()
                            }
                            Err(error) => view! { <h2 id="disable-title">"Disable"</h2><ErrorNotice error /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
