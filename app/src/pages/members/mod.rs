//! Members and teams: who is in the tenant, with which role, and which teams confine
//! whom to which spaces.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::forms::{FieldError, FormStatus, field_error, invalid};
use crate::components::{ErrorNotice, Loading};
use crate::server_fns::members::{
    AddMember, ChangeRole, CreateTeam, RemoveMember, SetTeamMember, SetTeamSpace, SetUserDisabled,
    list_members,
};
use crate::types::{MembersView, Role};

#[derive(Clone, Copy)]
struct MemberActions {
    add: ServerAction<AddMember>,
    role: ServerAction<ChangeRole>,
    remove: ServerAction<RemoveMember>,
    disable: ServerAction<SetUserDisabled>,
    team: ServerAction<CreateTeam>,
    team_member: ServerAction<SetTeamMember>,
    team_space: ServerAction<SetTeamSpace>,
}

impl MemberActions {
    fn version(&self) -> usize {
        self.add.version().get()
            + self.role.version().get()
            + self.remove.version().get()
            + self.disable.version().get()
            + self.team.version().get()
            + self.team_member.version().get()
            + self.team_space.version().get()
    }

    /// The last failure of the row actions, said once above the table.
    fn row_error(&self) -> Option<String> {
        fn err<T>(r: Option<&Result<T, crate::AppError>>) -> Option<String> {
            match r {
                Some(Err(e)) => Some(e.to_string()),
                _ => None,
            }
        }
        err(self.role.value().read().as_ref())
            .or_else(|| err(self.remove.value().read().as_ref()))
            .or_else(|| err(self.disable.value().read().as_ref()))
            .or_else(|| err(self.team_member.value().read().as_ref()))
            .or_else(|| err(self.team_space.value().read().as_ref()))
    }
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let actions = MemberActions {
        add: ServerAction::new(),
        role: ServerAction::new(),
        remove: ServerAction::new(),
        disable: ServerAction::new(),
        team: ServerAction::new(),
        team_member: ServerAction::new(),
        team_space: ServerAction::new(),
    };
    let members = Resource::new(move || actions.version(), |_| list_members());
    view! {
        <Title text="Members" />
        <h1>"Members and teams"</h1>
        <Suspense fallback=|| view! { <Loading what="members" /> }>
            {move || Suspend::new(async move {
                match members.await {
                    Ok(view) => view! { <MembersBody view actions /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn role_options(current: Option<Role>, allow_owner: bool) -> impl IntoView {
    Role::ALL
        .into_iter()
        .filter(move |r| allow_owner || *r != Role::Owner || current == Some(Role::Owner))
        .map(move |r| view! { <option value=r.as_str() selected=current == Some(r)>{r.label()}</option> })
        .collect_view()
}

#[component]
fn MembersBody(view: MembersView, actions: MemberActions) -> impl IntoView {
    let manage = view.can_manage;
    let owners = view.can_manage_owners;
    let you = view.you.clone();
    let member_options: Vec<(String, String)> = view
        .members
        .iter()
        .map(|m| (m.user_id.to_string(), m.display_name.clone()))
        .collect();
    view! {
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            {move || actions.row_error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <table>
                <caption class="visually-hidden">"Members of this tenant"</caption>
                <thead><tr><th scope="col">"Member"</th><th scope="col">"Role"</th><th scope="col">"Teams"</th><th scope="col">"Status"</th>
                    {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Change"</span></th> })}</tr></thead>
                <tbody>
                    {view.members.into_iter().map(|m| {
                        let is_you = m.user_id == you;
                        let uid = m.user_id.to_string();
                        let can_touch = manage && (owners || m.role != Role::Owner);
                        view! {
                            <tr>
                                <th scope="row">{m.display_name.clone()}{is_you.then_some(" (you)")}<span class="muted small block">{m.email.clone()}</span></th>
                                <td>{if can_touch {
                                    let uid = uid.clone();
                                    view! {
                                        <ActionForm action=actions.role attr:class="inline">
                                            <input type="hidden" name="user_id" value=uid />
                                            <label class="visually-hidden" for=format!("role-{}", m.user_id)>{format!("Role of {}", m.display_name)}</label>
                                            <select id=format!("role-{}", m.user_id) name="role">{role_options(Some(m.role), owners)}</select>
                                            <button type="submit" class="button-secondary small">"Change"</button>
                                        </ActionForm>
                                    }.into_any()
                                } else {
                                    view! { <span>{m.role.label()}</span> }.into_any()
                                }}</td>
                                <td>{if m.teams.is_empty() { "—".to_string() } else { m.teams.join(", ") }}</td>
                                <td>{if m.disabled { view! { <span class="badge badge-muted">"Disabled"</span> }.into_any() } else { view! { <span class="badge badge-ok">"Active"</span> }.into_any() }}</td>
                                {manage.then(|| view! {
                                    <td>{(can_touch && !is_you).then(|| {
                                        let (uid2, uid3) = (uid.clone(), uid.clone());
                                        view! {
                                            <ActionForm action=actions.disable attr:class="inline">
                                                <input type="hidden" name="user_id" value=uid2 />
                                                <input type="hidden" name="disabled" value=(!m.disabled).to_string() />
                                                <button type="submit" class="button-link">{if m.disabled { "Enable account" } else { "Disable account" }}</button>
                                            </ActionForm>
                                            <ActionForm action=actions.remove attr:class="inline">
                                                <input type="hidden" name="user_id" value=uid3 />
                                                <button type="submit" class="button-link danger">"Remove from tenant"</button>
                                            </ActionForm>
                                        }
                                    })}</td>
                                })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="muted small">"Removing or disabling someone signs them out at once."</p>
            {manage.then(|| view! { <AddMemberForm action=actions.add owners /> })}
        </section>
        <section class="card" aria-labelledby="teams-title">
            <h2 id="teams-title">"Teams"</h2>
            <p class="muted small">"A member of a team sees and acts only on the team's spaces, with the team's role. Owners and admins always reach every space."</p>
            {if view.teams.is_empty() {
                view! { <p class="empty">"No teams: every member reaches every space with their own role."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <caption class="visually-hidden">"Teams"</caption>
                        <thead><tr><th scope="col">"Team"</th><th scope="col">"Role"</th><th scope="col">"Members"</th><th scope="col">"Spaces"</th></tr></thead>
                        <tbody>
                            {view.teams.into_iter().map(|t| {
                                let tid = t.id.to_string();
                                let (tid_m, tid_s) = (tid.clone(), tid.clone());
                                let (tm_id, ts_id) = (format!("tm-{tid}"), format!("ts-{tid}"));
                                let members = member_options.clone();
                                let spaces = view.spaces.clone();
                                view! {
                                    <tr>
                                        <th scope="row">{t.name.clone()}</th>
                                        <td>{t.role.label()}</td>
                                        <td>
                                            <ul class="plain">{t.members.iter().map(|(uid, n)| {
                                                let (tid, uid, n) = (tid.clone(), uid.to_string(), n.clone());
                                                let label = format!("Remove {n} from {}", t.name);
                                                view! {
                                                    <li>
                                                        {n.clone()}
                                                        {manage.then(|| view! {
                                                            <ActionForm action=actions.team_member attr:class="inline">
                                                                <input type="hidden" name="team_id" value=tid />
                                                                <input type="hidden" name="user_id" value=uid />
                                                                <input type="hidden" name="member" value="false" />
                                                                <button type="submit" class="link-button small" aria-label=label>"Remove"</button>
                                                            </ActionForm>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}</ul>
                                            {manage.then(|| view! {
                                                <ActionForm action=actions.team_member attr:class="inline">
                                                    <input type="hidden" name="team_id" value=tid_m />
                                                    <input type="hidden" name="member" value="true" />
                                                    <label class="visually-hidden" for=tm_id.clone()>"Add a member"</label>
                                                    <select id=tm_id name="user_id">{members.into_iter().map(|(id, n)| view! { <option value=id>{n}</option> }).collect_view()}</select>
                                                    <button type="submit" class="button-secondary small">"Add"</button>
                                                </ActionForm>
                                            })}
                                        </td>
                                        <td>
                                            <ul class="plain">{t.spaces.iter().map(|(sid, n)| {
                                                let (tid, sid, n) = (tid.clone(), sid.to_string(), n.clone());
                                                let label = format!("Take {n} away from {}", t.name);
                                                view! {
                                                    <li>
                                                        {n.clone()}
                                                        {manage.then(|| view! {
                                                            <ActionForm action=actions.team_space attr:class="inline">
                                                                <input type="hidden" name="team_id" value=tid />
                                                                <input type="hidden" name="space_id" value=sid />
                                                                <input type="hidden" name="granted" value="false" />
                                                                <button type="submit" class="link-button small" aria-label=label>"Remove"</button>
                                                            </ActionForm>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}</ul>
                                            {manage.then(|| view! {
                                                <ActionForm action=actions.team_space attr:class="inline">
                                                    <input type="hidden" name="team_id" value=tid_s />
                                                    <input type="hidden" name="granted" value="true" />
                                                    <label class="visually-hidden" for=ts_id.clone()>"Give a space"</label>
                                                    <select id=ts_id name="space_id">{spaces.into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}</select>
                                                    <button type="submit" class="button-secondary small">"Give access"</button>
                                                </ActionForm>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {manage.then(|| view! { <CreateTeamForm action=actions.team /> })}
        </section>
    }
}

#[component]
fn AddMemberForm(action: ServerAction<AddMember>, owners: bool) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <details class="form-details">
            <summary>"Add a member"</summary>
            <ActionForm action attr:class="stack">
                <label for="m-email">"Email"</label>
                <input id="m-email" type="email" name="email" required maxlength="254" aria-invalid=invalid(value, "email") aria-describedby="m-email-error" />
                <FieldError id="m-email-error" error=field_error(value, "email") />
                <label for="m-name">"Name"</label>
                <input id="m-name" type="text" name="display_name" required maxlength="120" aria-invalid=invalid(value, "display_name") aria-describedby="m-name-error" />
                <FieldError id="m-name-error" error=field_error(value, "display_name") />
                <label for="m-role">"Role"</label>
                <select id="m-role" name="role">{role_options(Some(Role::Viewer), owners)}</select>
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Add member"</button>
                    <FormStatus pending value success="Member added." />
                </div>
            </ActionForm>
            {move || match value.read().as_ref() {
                Some(Ok(added)) => added.temporary_password.clone().map(|p| view! {
                    <div class="notice notice-info" role="status">
                        <p>{format!("{} has no account yet. Give them this first password; it is shown only now:", added.email)}</p>
                        <p><code class="secret">{p}</code></p>
                    </div>
                }),
                _ => None,
            }}
        </details>
    }
}

#[component]
fn CreateTeamForm(action: ServerAction<CreateTeam>) -> impl IntoView {
    let value = action.value();
    let pending = Memo::new(move |_| action.pending().get());
    view! {
        <details class="form-details">
            <summary>"Create a team"</summary>
            <ActionForm action attr:class="stack">
                <label for="t-name">"Name"</label>
                <input id="t-name" type="text" name="name" required maxlength="120" aria-invalid=invalid(value, "name") aria-describedby="t-name-error" />
                <FieldError id="t-name-error" error=field_error(value, "name") />
                <label for="t-role">"Role its members act with"</label>
                <select id="t-role" name="role" aria-describedby="t-role-error">
                    {[Role::Operator, Role::Reviewer, Role::Evaluator, Role::Viewer].into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
                <FieldError id="t-role-error" error=field_error(value, "role") />
                <div class="form-actions">
                    <button type="submit" class="button-primary" disabled=move || pending.get()>"Create team"</button>
                    <FormStatus pending value success="Team created." />
                </div>
            </ActionForm>
        </details>
    }
}
