//! Tenant isolation over HTTP, the way an attacker would try it: direct POSTs to the
//! server-function URLs (no UI), and GETs of the page routes, with ids of another tenant,
//! of a space the member's team cannot see, of nothing at all, and of garbage.
//!
//! The rules, checked for every server function that takes an id × every role:
//! - an id the actor cannot reach answers exactly what a random, never-issued id answers
//!   (same status, byte-identical body): existence never shows;
//! - that answer is `404 not_found` when the id is the thing acted on. Two documented
//!   refinements: a role that may not take the action at all (a viewer managing members)
//!   is refused with `403 forbidden` *before* any id is read, the same 403 it gets for
//!   ids of its own tenant; and an unreachable id given as a *choice inside* a reachable
//!   thing (the owner of a persona, the capability of a grant, the member or space added
//!   to a team) is a field error, `400 invalid` ("choose a member of this tenant"), again
//!   identical to the answer for an id that does not exist;
//! - nothing changes: no audit entry in either tenant, no row anywhere;
//! - no response names the other tenant or the unseen space ("Contoso", "Cora", their ids…).
//!
//! Every refusal is made meaningful by a control: the same call on the actor's own ids
//! succeeds (or is refused with 403 for roles that may not make it). A proptest then
//! samples the matrix with foreign-shaped and garbage ids (random uuids, uppercase, braced
//! and `urn:uuid:` forms, padding, SQL-ish, very long, control characters) that must get
//! the same answers and never a 5xx. Then: no session → 401, cross-site → 403, and a
//! repeated argument never reaches the other tenant. Last, two robustness checks that
//! the sampling surfaced: a NUL byte in an argument, and arguments that cannot be decoded,
//! are the client's error (400/404), never a 500.
//! On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ORIGIN, Reply, TestApp, form};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::time::Instant;

use app::domain::Actor;
use app::domain::auth::login::load_actor;
use app::domain::auth::session_auth::SessionAuth;
use app::domain::capabilities::enable::enable_builtin;
use app::domain::demo::Demo;
use app::domain::entities::{
    app as app_entity, audit_entry, capability, capability_action, environment, grant, membership,
    persona, space, team, team_member, team_space, tenant, user,
};
use app::domain::grants::{SetGrant, set_grant};
use app::domain::members::manage::add_member;
use app::domain::members::teams::{create_team, set_team_member, set_team_space};
use app::types::{PersonaId, SpaceId, TenantId, UserId};

on_both_databases!(
    another_tenants_ids_are_not_found_by_any_server_function_for_any_role,
    a_team_member_cannot_reach_spaces_outside_their_team,
    pages_for_unreachable_ids_are_404_and_name_nothing,
    sampled_foreign_and_garbage_ids_never_fail_and_never_leak,
    a_repeated_argument_never_reaches_the_other_tenant,
    a_nul_byte_in_an_argument_is_refused_not_a_server_error,
    malformed_arguments_are_a_bad_request_not_a_server_error,
    server_functions_need_a_session_and_the_consoles_own_origin,
);

// ---------------------------------------------------------------------------------------
// Who asks
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Owner,
    Admin,
    Operator,
    Reviewer,
    Evaluator,
    Viewer,
    /// A viewer of the tenant who is in one team: operator on "Customer Support" only.
    TeamOperator,
}

const ROLES: [Who; 6] = [
    Who::Owner,
    Who::Admin,
    Who::Operator,
    Who::Reviewer,
    Who::Evaluator,
    Who::Viewer,
];

/// What a call on the actor's *own* ids needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// See a space (every role, in a space it reaches).
    View,
    /// Change a space (owner, admin, operator; a team's operator in the team's spaces).
    Edit,
    /// Read the whole tenant's audit log (every member not confined to a team).
    Audit,
    /// Manage members and teams (owner, admin).
    Manage,
}

impl Who {
    /// Whether this actor passes `gate` in Customer Support (where every "own" id lives).
    fn passes(self, gate: Gate) -> bool {
        match gate {
            Gate::View => true,
            Gate::Edit => matches!(
                self,
                Who::Owner | Who::Admin | Who::Operator | Who::TeamOperator
            ),
            Gate::Audit => self != Who::TeamOperator,
            Gate::Manage => matches!(self, Who::Owner | Who::Admin),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ids, and the calls that take them
// ---------------------------------------------------------------------------------------

/// One set of ids for every slot a server function takes. "Own" ids are all in Northwind's
/// Customer Support; a probe replaces some slots with unreachable ones.
#[derive(Debug, Clone)]
struct Ids {
    space: String,
    persona: String,
    persona_version: i32,
    /// A capability the persona has no grant for yet (set_grant's target).
    capability: String,
    /// A capability with no grants once `grant` is removed (impact / disable).
    disable_capability: String,
    grant: String,
    grant_version: i32,
    /// A member named as a persona's owner.
    owner: String,
    /// A member managed by the member calls.
    user: String,
    team: String,
    /// A person's email, as the audit log's actor filter takes it.
    email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Space,
    Persona,
    Capability,
    DisableCapability,
    Grant,
    Owner,
    User,
    Team,
    Email,
}

impl Ids {
    fn slot_mut(&mut self, slot: Slot) -> &mut String {
        match slot {
            Slot::Space => &mut self.space,
            Slot::Persona => &mut self.persona,
            Slot::Capability => &mut self.capability,
            Slot::DisableCapability => &mut self.disable_capability,
            Slot::Grant => &mut self.grant,
            Slot::Owner => &mut self.owner,
            Slot::User => &mut self.user,
            Slot::Team => &mut self.team,
            Slot::Email => &mut self.email,
        }
    }

    fn slot(&self, slot: Slot) -> &str {
        match slot {
            Slot::Space => &self.space,
            Slot::Persona => &self.persona,
            Slot::Capability => &self.capability,
            Slot::DisableCapability => &self.disable_capability,
            Slot::Grant => &self.grant,
            Slot::Owner => &self.owner,
            Slot::User => &self.user,
            Slot::Team => &self.team,
            Slot::Email => &self.email,
        }
    }

    /// Ids that were never issued: a fresh uuid in every slot.
    fn nonexistent() -> Ids {
        let fresh = || uuid::Uuid::now_v7().to_string();
        Ids {
            space: fresh(),
            persona: fresh(),
            persona_version: 1,
            capability: fresh(),
            disable_capability: fresh(),
            grant: fresh(),
            grant_version: 1,
            owner: fresh(),
            user: fresh(),
            team: fresh(),
            email: format!("{}@nowhere.example", fresh()),
        }
    }

    /// `self` with the `probed` slots taken from `from`.
    fn probed(&self, probed: &[Slot], from: &Ids) -> Ids {
        let mut ids = self.clone();
        for slot in probed {
            *ids.slot_mut(*slot) = from.slot(*slot).to_string();
        }
        ids
    }

    /// `self` with the `probed` slots rewritten by `f` (from their value in `from`).
    fn probed_with(&self, probed: &[Slot], from: &Ids, f: &dyn Fn(&str) -> String) -> Ids {
        let mut ids = self.clone();
        for slot in probed {
            *ids.slot_mut(*slot) = f(from.slot(*slot));
        }
        ids
    }
}

/// What a probe with unreachable ids must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// 404 for everyone: the thing acted on is not there for them.
    NotFound,
    /// Roles that pass the gate get this status (404, or 400 for an id chosen as a field
    /// value); the others are refused (403) before the id is read.
    AfterGate(u16),
    /// A list filtered or positioned by the id: 200, exactly as for an id that does not
    /// exist (403 for roles without the gate).
    AsIfAbsent,
}

struct Case {
    label: &'static str,
    path: &'static str,
    gate: Gate,
    /// Whether a successful call on own ids changes something (and writes one entry).
    mutates: bool,
    probe: &'static [Slot],
    refusal: Refusal,
    body: fn(&Ids, &str) -> String,
}

impl Case {
    fn expected(&self, who: Who) -> u16 {
        match self.refusal {
            Refusal::NotFound => 404,
            Refusal::AfterGate(status) if who.passes(self.gate) => status,
            Refusal::AsIfAbsent if who.passes(self.gate) => 200,
            _ => 403,
        }
    }
}

fn space_body(i: &Ids, _: &str) -> String {
    form(&[("space_id", &i.space)])
}
fn add_environment_body(i: &Ids, u: &str) -> String {
    form(&[("space_id", &i.space), ("name", &format!("qa{u}"))])
}
fn create_app_body(i: &Ids, u: &str) -> String {
    form(&[
        ("space_id", &i.space),
        ("name", &format!("Probe App {u}")),
        ("kind", "workflow"),
        ("description", "made by the isolation tests"),
    ])
}
fn enable_builtin_body(i: &Ids, _: &str) -> String {
    form(&[("space_id", &i.space), ("builtin", "customer_billing")])
}
fn register_external_body(i: &Ids, u: &str) -> String {
    form(&[
        ("space_id", &i.space),
        ("kind", "crm"),
        ("name", &format!("Probe CRM {u}")),
        ("endpoint", &format!("https://crm.example/{u}")),
        ("actions", "lookup_contact read"),
    ])
}
fn create_persona_body(i: &Ids, u: &str) -> String {
    form(&[
        ("space_id", &i.space),
        ("name", &format!("Probe {u}")),
        ("role_description", "Made by the isolation tests."),
        ("owner", &i.owner),
        ("on_call", ""),
        ("continuity[]", "memory"),
    ])
}
fn persona_body(i: &Ids, _: &str) -> String {
    form(&[("persona_id", &i.persona)])
}
fn update_persona_body(i: &Ids, u: &str) -> String {
    form(&[
        ("persona_id", &i.persona),
        ("name", "Milo"),
        ("role_description", &format!("Returns assistant, edit {u}.")),
        ("owner", &i.owner),
        ("on_call", ""),
        ("continuity[]", "memory"),
        ("version", &i.persona_version.to_string()),
    ])
}
fn set_grant_body(i: &Ids, _: &str) -> String {
    form(&[
        ("persona_id", &i.persona),
        ("target", &i.capability),
        ("access", "read"),
        ("environments[]", "sandbox"),
        ("min_stage", "1"),
        ("reason", ""),
    ])
}
fn remove_grant_body(i: &Ids, _: &str) -> String {
    form(&[
        ("persona_id", &i.persona),
        ("grant_id", &i.grant),
        ("version", &i.grant_version.to_string()),
    ])
}
fn disable_impact_body(i: &Ids, _: &str) -> String {
    form(&[
        ("space_id", &i.space),
        ("capability_id", &i.disable_capability),
    ])
}
fn disable_body(i: &Ids, _: &str) -> String {
    form(&[
        ("space_id", &i.space),
        ("capability_id", &i.disable_capability),
        ("seen_grants", "0"),
    ])
}
fn list_personas_body(i: &Ids, _: &str) -> String {
    form(&[("filter[space]", &i.space)])
}
fn audit_of_persona_body(i: &Ids, _: &str) -> String {
    form(&[("filter[entity_id]", &i.persona)])
}
fn audit_of_space_body(i: &Ids, _: &str) -> String {
    form(&[("filter[entity_id]", &i.space)])
}
fn persona_cursor_body(i: &Ids, _: &str) -> String {
    form(&[("filter[cursor]", &i.persona)])
}
fn audit_of_actor_body(i: &Ids, _: &str) -> String {
    form(&[("filter[actor]", &i.email)])
}
fn change_role_body(i: &Ids, _: &str) -> String {
    form(&[("user_id", &i.user), ("role", "evaluator")])
}
fn team_member_body(i: &Ids, _: &str) -> String {
    form(&[
        ("team_id", &i.team),
        ("user_id", &i.user),
        ("member", "true"),
    ])
}
fn team_space_body(i: &Ids, _: &str) -> String {
    form(&[
        ("team_id", &i.team),
        ("space_id", &i.space),
        ("granted", "true"),
    ])
}
fn disable_user_body(i: &Ids, _: &str) -> String {
    form(&[("user_id", &i.user), ("disabled", "true")])
}
fn user_body(i: &Ids, _: &str) -> String {
    form(&[("user_id", &i.user)])
}

/// Every server function that takes an id, once per way of giving it an unreachable one.
/// In an order where the controls (own ids, run in this order) build on each other:
/// the grant is removed before its capability is disabled, the member is removed last.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Gate::{Audit, Edit, Manage, View};
    use Refusal::*;
    use Slot::*;
    type Body = fn(&Ids, &str) -> String;
    type Row = (&'static str, &'static str, Gate, bool, &'static [Slot], Refusal, Body);
    let rows: Vec<Row> = vec![
        // label                                     path                              gate    mutates probed slots               refusal              body
        ("get_space(space)",                         "/api/get_space",                 View,   false, &[Space],                   NotFound,            space_body),
        ("add_environment(space)",                   "/api/add_environment",           Edit,   true,  &[Space],                   NotFound,            add_environment_body),
        ("create_app(space)",                        "/api/create_app",                Edit,   true,  &[Space],                   NotFound,            create_app_body),
        ("enable_builtin(space)",                    "/api/enable_builtin",            Edit,   true,  &[Space],                   NotFound,            enable_builtin_body),
        ("register_external_system(space)",          "/api/register_external_system",  Edit,   true,  &[Space],                   NotFound,            register_external_body),
        ("create_persona(space)",                    "/api/create_persona",            Edit,   true,  &[Space],                   NotFound,            create_persona_body),
        ("create_persona(owner)",                    "/api/create_persona",            Edit,   true,  &[Owner],                   AfterGate(400),      create_persona_body),
        ("get_persona(persona)",                     "/api/get_persona",               View,   false, &[Persona],                 NotFound,            persona_body),
        ("update_persona(persona)",                  "/api/update_persona",            Edit,   true,  &[Persona],                 NotFound,            update_persona_body),
        ("update_persona(owner)",                    "/api/update_persona",            Edit,   true,  &[Owner],                   AfterGate(400),      update_persona_body),
        ("set_grant(persona, capability)",           "/api/set_grant",                 Edit,   true,  &[Persona, Capability],     NotFound,            set_grant_body),
        ("set_grant(persona)",                       "/api/set_grant",                 Edit,   true,  &[Persona],                 NotFound,            set_grant_body),
        ("set_grant(capability)",                    "/api/set_grant",                 Edit,   true,  &[Capability],              AfterGate(400),      set_grant_body),
        ("remove_grant(persona, grant)",             "/api/remove_grant",              Edit,   true,  &[Persona, Grant],          NotFound,            remove_grant_body),
        ("remove_grant(persona)",                    "/api/remove_grant",              Edit,   true,  &[Persona],                 NotFound,            remove_grant_body),
        ("remove_grant(grant)",                      "/api/remove_grant",              Edit,   true,  &[Grant],                   AfterGate(404),      remove_grant_body),
        ("get_disable_impact(space, capability)",    "/api/get_disable_impact",        Edit,   false, &[Space, DisableCapability], NotFound,           disable_impact_body),
        ("get_disable_impact(space)",                "/api/get_disable_impact",        Edit,   false, &[Space],                   NotFound,            disable_impact_body),
        ("get_disable_impact(capability)",           "/api/get_disable_impact",        Edit,   false, &[DisableCapability],       AfterGate(404),      disable_impact_body),
        ("disable_capability(space, capability)",    "/api/disable_capability",        Edit,   true,  &[Space, DisableCapability], NotFound,           disable_body),
        ("disable_capability(space)",                "/api/disable_capability",        Edit,   true,  &[Space],                   NotFound,            disable_body),
        ("disable_capability(capability)",           "/api/disable_capability",        Edit,   true,  &[DisableCapability],       AfterGate(404),      disable_body),
        ("list_personas(filter.space)",              "/api/list_personas",             View,   false, &[Space],                   AsIfAbsent,    list_personas_body),
        ("list_personas(filter.cursor)",             "/api/list_personas",             View,   false, &[Persona],                 AsIfAbsent,    persona_cursor_body),
        ("list_audit(filter.entity_id = persona)",   "/api/list_audit",                Audit,  false, &[Persona],                 AsIfAbsent,    audit_of_persona_body),
        ("list_audit(filter.entity_id = space)",     "/api/list_audit",                Audit,  false, &[Space],                   AsIfAbsent,    audit_of_space_body),
        ("list_audit(filter.actor)",                 "/api/list_audit",                Audit,  false, &[Email],                   AsIfAbsent,    audit_of_actor_body),
        ("change_role(user)",                        "/api/change_role",               Manage, true,  &[User],                    AfterGate(404),      change_role_body),
        ("set_team_member(team, user)",              "/api/set_team_member",           Manage, true,  &[Team, User],              AfterGate(404),      team_member_body),
        ("set_team_member(team)",                    "/api/set_team_member",           Manage, true,  &[Team],                    AfterGate(404),      team_member_body),
        ("set_team_member(user)",                    "/api/set_team_member",           Manage, true,  &[User],                    AfterGate(400),      team_member_body),
        ("set_team_space(team, space)",              "/api/set_team_space",            Manage, true,  &[Team, Space],             AfterGate(404),      team_space_body),
        ("set_team_space(team)",                     "/api/set_team_space",            Manage, true,  &[Team],                    AfterGate(404),      team_space_body),
        ("set_team_space(space)",                    "/api/set_team_space",            Manage, true,  &[Space],                   AfterGate(400),      team_space_body),
        ("set_user_disabled(user)",                  "/api/set_user_disabled",         Manage, true,  &[User],                    AfterGate(404),      disable_user_body),
        ("remove_member(user)",                      "/api/remove_member",             Manage, true,  &[User],                    AfterGate(404),      user_body),
    ];
    rows.into_iter()
        .map(|(label, path, gate, mutates, probe, refusal, body)| Case {
            label, path, gate, mutates, probe, refusal, body,
        })
        .collect()
}

/// One case per server function (the first of its variants), for the controls.
fn controls(cases: &[Case]) -> Vec<&Case> {
    let mut seen: Vec<&str> = Vec::new();
    cases
        .iter()
        .filter(|c| {
            let new = !seen.contains(&c.path);
            seen.push(c.path);
            new
        })
        .collect()
}

/// The server functions that take no id: they must still name nothing foreign.
const NO_ID_CALLS: &[(&str, &str)] = &[
    ("/api/get_overview", ""),
    ("/api/list_spaces", ""),
    ("/api/get_catalog", ""),
    ("/api/list_members", ""),
    ("/api/get_session_view", ""),
    ("/api/list_personas", "filter[q]="),
    ("/api/list_audit", "filter[action]="),
];

// ---------------------------------------------------------------------------------------
// The world: Northwind with every role, a team, and Contoso next door
// ---------------------------------------------------------------------------------------

struct World {
    demo: Demo,
    /// Northwind: Customer Support, Milo, and things made for the controls.
    own: Ids,
    /// Contoso Labs: its space, Cora, its capability and grant, its owner, its team.
    foreign: Ids,
    /// Northwind's Back Office, which the team operator does not reach.
    back_office: Ids,
    cookies: Vec<(Who, String)>,
    /// Names and ids of Contoso: never in a Northwind member's response.
    foreign_markers: Vec<String>,
    /// Names and ids of Back Office: never in the team operator's responses.
    back_office_markers: Vec<String>,
}

impl World {
    fn cookie(&self, who: Who) -> &str {
        &self
            .cookies
            .iter()
            .find(|(w, _)| *w == who)
            .expect("signed in")
            .1
    }

    fn markers_for(&self, who: Who) -> Vec<String> {
        let mut m = self.foreign_markers.clone();
        if who == Who::TeamOperator {
            m.extend(self.back_office_markers.iter().cloned());
        }
        m
    }
}

const OUTSIDER: &str = "outsider@persona-console.local";

async fn actor_in(app: &TestApp, email: &str, tenant: &TenantId) -> Actor {
    let user = user_by_email(app, email).await;
    load_actor(
        &app.ctx,
        &SessionAuth {
            user_id: user.id,
            tenant_id: tenant.to_string(),
            authenticated_at: app::domain::now().unix_timestamp(),
        },
    )
    .await
    .unwrap()
    .expect("a member")
}

async fn user_by_email(app: &TestApp, email: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

async fn persona_row(app: &TestApp, id: &str) -> persona::Model {
    persona::Entity::find_by_id(id)
        .one(&app.ctx.db)
        .await
        .unwrap()
        .expect("persona")
}

async fn capabilities_of(app: &TestApp, space_id: &str) -> Vec<capability::Model> {
    capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space_id))
        .order_by_asc(capability::Column::Key)
        .all(&app.ctx.db)
        .await
        .unwrap()
}

async fn grants_of(app: &TestApp, persona_id: &str) -> Vec<grant::Model> {
    grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(persona_id))
        .order_by_asc(grant::Column::CreatedAt)
        .all(&app.ctx.db)
        .await
        .unwrap()
}

fn grant_input<'a>(capability: &'a str, access: &'a str, envs: &'a [String]) -> SetGrant<'a> {
    SetGrant {
        capability_id: capability,
        action: "",
        access,
        environments: envs,
        min_stage: "1",
        reason: "",
        version: None,
    }
}

async fn world(app: &TestApp) -> World {
    let started = Instant::now();
    let ctx = &app.ctx;
    let demo = app.demo().await;
    let dana = actor_in(app, &demo.login.email, &demo.tenant_id).await;
    let olly = actor_in(app, OUTSIDER, &demo.other_tenant.tenant_id).await;
    let space_named = |name: &str| -> String {
        demo.spaces
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no space {name}"))
            .id
            .to_string()
    };
    let persona_named = |name: &str| -> String {
        demo.personas
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no persona {name}"))
            .id
            .to_string()
    };
    let support = space_named("Customer Support");
    let back_office = space_named("Back Office");
    let milo = persona_named("Milo");
    let otto = persona_named("Otto");
    let sandbox = vec!["sandbox".to_string()];

    // The roles the demo lacks, the member the controls manage, and the team operator.
    let mut passwords: Vec<(Who, String, String)> = vec![
        (
            Who::Owner,
            demo.login.email.clone(),
            demo.login.password.clone(),
        ),
        (
            Who::Operator,
            demo.operator.email.clone(),
            demo.operator.password.clone(),
        ),
        (
            Who::Viewer,
            demo.viewer.email.clone(),
            demo.viewer.password.clone(),
        ),
    ];
    for (who, email, name, role) in [
        (
            Some(Who::Admin),
            "admin@northwind.example",
            "Ada Admin",
            "admin",
        ),
        (
            Some(Who::Reviewer),
            "reviewer@northwind.example",
            "Rey Reviewer",
            "reviewer",
        ),
        (
            Some(Who::Evaluator),
            "evaluator@northwind.example",
            "Eve Evaluator",
            "evaluator",
        ),
        (
            Some(Who::TeamOperator),
            "tess@northwind.example",
            "Tess Team",
            "viewer",
        ),
        (None, "temp@northwind.example", "Temp Member", "reviewer"),
    ] {
        let added = add_member(ctx, &dana, email, name, role).await.unwrap();
        if let Some(who) = who {
            passwords.push((
                who,
                email.to_string(),
                added.temporary_password.expect("a new account"),
            ));
        }
    }
    let tess = UserId::from_db(user_by_email(app, "tess@northwind.example").await.id);
    let temp = user_by_email(app, "temp@northwind.example").await.id;
    let operator = user_by_email(app, &demo.operator.email).await.id;

    // Tess: operator of Customer Support through her team, nothing else.
    let desk = create_team(ctx, &dana, "Support Desk", "operator")
        .await
        .unwrap();
    set_team_space(ctx, &dana, &desk, &SpaceId::from_db(support.clone()), true)
        .await
        .unwrap();
    set_team_member(ctx, &dana, &desk, &tess, true)
        .await
        .unwrap();
    // An empty team, for the controls to add to.
    let probe_team = create_team(ctx, &dana, "Probe Team", "viewer")
        .await
        .unwrap();

    // Capabilities and a grant in Customer Support for the controls.
    let support_id = SpaceId::from_db(support.clone());
    let whiteboard = enable_builtin(ctx, &dana, &support_id, "whiteboard")
        .await
        .unwrap();
    let notifications = enable_builtin(ctx, &dana, &support_id, "notifications")
        .await
        .unwrap();
    let milo_id = PersonaId::from_db(milo.clone());
    let own_grant = set_grant(
        ctx,
        &dana,
        &milo_id,
        grant_input(whiteboard.as_str(), "read", &sandbox),
    )
    .await
    .unwrap();

    // Contoso: its team and a grant, so every kind of id exists there too.
    let other = &demo.other_tenant;
    let contoso_space = other.spaces[0].id.to_string();
    let cora = other
        .personas
        .iter()
        .find(|p| p.name == "Cora")
        .expect("Cora")
        .id
        .to_string();
    let contoso_caps = capabilities_of(app, &contoso_space).await;
    let contoso_chat = contoso_caps[0].id.clone();
    let contoso_team = create_team(ctx, &olly, "Contoso Secret Team", "operator")
        .await
        .unwrap();
    let contoso_grant = set_grant(
        ctx,
        &olly,
        &PersonaId::from_db(cora.clone()),
        grant_input(&contoso_chat, "write", &sandbox),
    )
    .await
    .unwrap();
    let olly_id = user_by_email(app, OUTSIDER).await.id;

    let own = Ids {
        space: support.clone(),
        persona: milo.clone(),
        persona_version: persona_row(app, &milo).await.version,
        capability: notifications.to_string(),
        disable_capability: whiteboard.to_string(),
        grant: own_grant.to_string(),
        grant_version: 1,
        owner: operator,
        user: temp,
        team: probe_team.to_string(),
        email: demo.operator.email.clone(),
    };
    let foreign = Ids {
        space: contoso_space.clone(),
        persona: cora.clone(),
        persona_version: persona_row(app, &cora).await.version,
        capability: contoso_chat.clone(),
        disable_capability: contoso_chat.clone(),
        grant: contoso_grant.to_string(),
        grant_version: 1,
        owner: olly_id.clone(),
        user: olly_id.clone(),
        team: contoso_team.to_string(),
        email: OUTSIDER.to_string(),
    };
    let bo_caps = capabilities_of(app, &back_office).await;
    let otto_grants = grants_of(app, &otto).await;
    let back_office_ids = Ids {
        space: back_office.clone(),
        persona: otto.clone(),
        persona_version: persona_row(app, &otto).await.version,
        capability: bo_caps[0].id.clone(),
        disable_capability: bo_caps[0].id.clone(),
        grant: otto_grants[0].id.clone(),
        grant_version: otto_grants[0].version,
        // Back Office has no people or teams of its own: these slots get Contoso's.
        owner: olly_id.clone(),
        user: olly_id.clone(),
        team: contoso_team.to_string(),
        email: OUTSIDER.to_string(),
    };

    let mut foreign_markers: Vec<String> = [
        "Contoso",
        "Cora",
        "Olly",
        OUTSIDER,
        "Contoso Secret Team",
        "research assistant",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    foreign_markers.extend([
        other.tenant_id.to_string(),
        contoso_space,
        cora.clone(),
        contoso_team.to_string(),
        contoso_grant.to_string(),
        olly_id,
    ]);
    foreign_markers.extend(contoso_caps.iter().map(|c| c.id.clone()));
    let mut back_office_markers: Vec<String> = [
        "Back Office",
        "Otto",
        "NetSuite",
        "Ops Console",
        "netsuite:northwind-prod",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    back_office_markers.extend([back_office, otto]);
    back_office_markers.extend(bo_caps.iter().map(|c| c.id.clone()));
    back_office_markers.extend(otto_grants.iter().map(|g| g.id.clone()));

    // Sign in once per role (argon2 is the slow part); every test reuses the cookies.
    let mut cookies = Vec::new();
    for (who, email, password) in &passwords {
        cookies.push((*who, app.sign_in(email, password).await));
    }
    eprintln!("world built in {:?}", started.elapsed());
    World {
        demo,
        own,
        foreign,
        back_office: back_office_ids,
        cookies,
        foreign_markers,
        back_office_markers,
    }
}

// ---------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------

async fn audit_count(app: &TestApp, tenant: &TenantId) -> u64 {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.as_str()))
        .count(&app.ctx.db)
        .await
        .unwrap()
}

async fn audit_counts(app: &TestApp, w: &World) -> (u64, u64) {
    (
        audit_count(app, &w.demo.tenant_id).await,
        audit_count(app, &w.demo.other_tenant.tenant_id).await,
    )
}

/// Every row of every table a server function could change, table by table.
async fn snapshot(app: &TestApp) -> Vec<(&'static str, String)> {
    let db = &app.ctx.db;
    macro_rules! rows {
        ($entity:ident, $($col:ident),+) => {
            format!(
                "{:?}",
                $entity::Entity::find()
                    $(.order_by_asc($entity::Column::$col))+
                    .all(db)
                    .await
                    .unwrap()
            )
        };
    }
    vec![
        ("tenants", rows!(tenant, Id)),
        ("users", rows!(user, Id)),
        ("memberships", rows!(membership, TenantId, UserId)),
        ("spaces", rows!(space, Id)),
        ("environments", rows!(environment, Id)),
        ("apps", rows!(app_entity, Id)),
        ("capabilities", rows!(capability, Id)),
        ("capability_actions", rows!(capability_action, Id)),
        ("personas", rows!(persona, Id)),
        ("grants", rows!(grant, Id)),
        ("teams", rows!(team, Id)),
        ("team_members", rows!(team_member, TeamId, UserId)),
        ("team_spaces", rows!(team_space, TeamId, SpaceId)),
    ]
}

async fn assert_unchanged(app: &TestApp, before: &[(&'static str, String)], what: &str) {
    let after = snapshot(app).await;
    for ((table, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(was, now, "{what} changed the {table} table");
    }
}

/// The `code` of a JSON error body: `{"code":…}` from a server function, or
/// `{"error":{"code":…}}` from a layer in front of them (CSRF, body limit).
fn code(reply: &Reply) -> String {
    serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|v| {
            v["code"]
                .as_str()
                .or_else(|| v["error"]["code"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("<not a JSON error: {}>", reply.body))
}

fn code_for(status: u16) -> &'static str {
    match status {
        400 => "invalid",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not_found",
        _ => "",
    }
}

/// The markers (names, ids) that `body` contains; ids are matched in any letter case.
/// `echoed` are values the request itself carried: a page may repeat its own address.
fn leaks(body: &str, markers: &[String], echoed: &[&str]) -> Vec<String> {
    let lower = body.to_lowercase();
    markers
        .iter()
        .filter(|m| !echoed.iter().any(|e| e.eq_ignore_ascii_case(m)))
        .filter(|m| {
            let is_id = uuid::Uuid::parse_str(m).is_ok();
            if is_id {
                lower.contains(&m.to_lowercase())
            } else {
                body.contains(m.as_str())
            }
        })
        .cloned()
        .collect()
}

fn assert_no_leak(reply: &Reply, markers: &[String], echoed: &[&str], what: &str) {
    let found = leaks(&reply.body, markers, echoed);
    assert!(
        found.is_empty(),
        "{what} leaked {found:?} (status {}): {}",
        reply.status,
        reply.body
    );
}

fn success(status: u16) -> bool {
    (200..400).contains(&status)
}

/// Posts one probe and its reference (fresh never-issued ids in the same slots), and
/// checks status, body equality, leaks and that nothing was written.
async fn probe(app: &TestApp, w: &World, case: &Case, who: Who, ids: &Ids, what: &str) -> Reply {
    let cookie = w.cookie(who);
    let uniq = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    let reference_ids = w.own.probed(case.probe, &Ids::nonexistent());
    let before = audit_counts(app, w).await;
    let reply = app
        .post_form(case.path, &(case.body)(ids, &uniq), Some(cookie))
        .await;
    let reference = app
        .post_form(case.path, &(case.body)(&reference_ids, &uniq), Some(cookie))
        .await;
    let what = format!("{what}: {who:?} × {}", case.label);
    let want = case.expected(who);
    assert_eq!(reply.status, want, "{what}: {}", reply.body);
    if want != 200 {
        assert_eq!(code(&reply), code_for(want), "{what}");
    }
    assert_eq!(
        (reply.status, &reply.body),
        (reference.status, &reference.body),
        "{what}: an unreachable id must answer exactly as a never-issued one"
    );
    assert_no_leak(&reply, &w.markers_for(who), &[], &what);
    assert_eq!(
        audit_counts(app, w).await,
        before,
        "{what} wrote to an audit log"
    );
    reply
}

/// Own-id controls: each server function on reachable ids answers as the role allows,
/// so the refusals above are about the ids. `performer` runs every allowed mutation
/// (in case order); other roles only their refusals and reads.
async fn run_controls(
    app: &TestApp,
    w: &World,
    cases: &[Case],
    who: Who,
    performer: bool,
) -> usize {
    let mut ran = 0;
    for case in controls(cases) {
        let allowed = who.passes(case.gate);
        if allowed && case.mutates && !performer {
            continue;
        }
        let uniq = format!("{:?}{ran}", who).to_lowercase();
        let before = audit_counts(app, w).await;
        let reply = app
            .post_form(case.path, &(case.body)(&w.own, &uniq), Some(w.cookie(who)))
            .await;
        let what = format!("control: {who:?} × {} on own ids", case.path);
        if allowed {
            assert!(
                success(reply.status),
                "{what}: {} {}",
                reply.status,
                reply.body
            );
        } else {
            assert_eq!(reply.status, 403, "{what}: {}", reply.body);
            assert_eq!(code(&reply), "forbidden", "{what}");
        }
        let (northwind, contoso) = audit_counts(app, w).await;
        let wrote = if allowed && case.mutates { 1 } else { 0 };
        assert_eq!(
            northwind,
            before.0 + wrote,
            "{what}: Northwind audit entries"
        );
        assert_eq!(contoso, before.1, "{what}: Contoso's audit log was touched");
        assert_no_leak(&reply, &w.markers_for(who), &[], &what);
        // The reads show the very things the probes could not reach.
        if allowed {
            let shows = match case.path {
                "/api/get_space" => Some("Customer Support"),
                "/api/get_persona" | "/api/list_personas" => Some("Milo"),
                "/api/list_audit" => Some(w.own.persona.as_str()),
                "/api/get_disable_impact" => Some("Whiteboard"),
                _ => None,
            };
            if let Some(text) = shows {
                assert!(
                    reply.body.contains(text),
                    "{what} should show {text}: {}",
                    reply.body
                );
            }
        }
        ran += 1;
    }
    ran
}

/// Searching the persona list for an unreachable persona's name answers exactly as for a
/// name nobody has, while a name they do reach is found the same way.
async fn assert_name_search_finds_nothing(app: &TestApp, w: &World, who: Who, name: &str) {
    let search = |q: &str| form(&[("filter[q]", q)]);
    let cookie = w.cookie(who);
    let found = app
        .post_form("/api/list_personas", &search(name), Some(cookie))
        .await;
    let nobody = app
        .post_form("/api/list_personas", &search("Zyxwvut"), Some(cookie))
        .await;
    let what = format!("{who:?} searching personas for {name}");
    assert_eq!(found.status, 200, "{what}: {}", found.body);
    assert_eq!(found.body, nobody.body, "{what}");
    assert_no_leak(&found, &w.markers_for(who), &[], &what);
    let milo = app
        .post_form("/api/list_personas", &search("mil"), Some(cookie))
        .await;
    assert!(
        milo.body.contains("Milo"),
        "{who:?} finds Milo: {}",
        milo.body
    );
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

async fn another_tenants_ids_are_not_found_by_any_server_function_for_any_role(app: TestApp) {
    let w = world(&app).await;
    let started = Instant::now();
    let cases = cases();
    let before = snapshot(&app).await;
    let mut probes = 0;
    for who in ROLES {
        for case in &cases {
            let ids = w.own.probed(case.probe, &w.foreign);
            probe(&app, &w, case, who, &ids, "Contoso id").await;
            probes += 1;
        }
        // The functions without ids name nothing of Contoso either.
        for (path, body) in NO_ID_CALLS {
            let reply = app.post_form(path, body, Some(w.cookie(who))).await;
            assert!(
                success(reply.status),
                "{who:?} {path}: {} {}",
                reply.status,
                reply.body
            );
            assert_no_leak(&reply, &w.foreign_markers, &[], &format!("{who:?} {path}"));
        }
        assert_name_search_finds_nothing(&app, &w, who, "Cora").await;
    }
    assert_unchanged(&app, &before, "probing with Contoso ids").await;
    // 35 probes × 6 roles, each against a never-issued reference.
    assert_eq!(probes, cases.len() * ROLES.len());

    let mut controls = 0;
    for who in ROLES.into_iter().filter(|w| *w != Who::Owner) {
        controls += run_controls(&app, &w, &cases, who, false).await;
    }
    controls += run_controls(&app, &w, &cases, Who::Owner, true).await;

    // The Contoso ids are real: Contoso's owner reaches them, and the leak detector sees
    // them there, so its silence above means something.
    let other = &w.demo.other_tenant.login;
    let olly = app.sign_in(&other.email, &other.password).await;
    for (path, body, shows) in [
        (
            "/api/get_space",
            space_body(&w.foreign, ""),
            "Contoso Sandbox",
        ),
        ("/api/get_persona", persona_body(&w.foreign, ""), "Cora"),
        (
            "/api/get_disable_impact",
            disable_impact_body(&w.foreign, ""),
            "Cora",
        ),
    ] {
        let r = app.post_form(path, &body, Some(&olly)).await;
        assert_eq!(r.status, 200, "Contoso's owner {path}: {}", r.body);
        assert!(r.body.contains(shows), "Contoso's owner {path}: {}", r.body);
        assert!(!leaks(&r.body, &w.foreign_markers, &[]).is_empty());
    }
    let r = app
        .post_form(
            "/api/remove_grant",
            &remove_grant_body(&w.foreign, ""),
            Some(&olly),
        )
        .await;
    assert_eq!(r.status, 200, "Contoso's grant is real: {}", r.body);
    let r = app
        .post_form(
            "/api/set_team_member",
            &team_member_body(&w.foreign, ""),
            Some(&olly),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "Contoso's team and owner are real: {}",
        r.body
    );
    eprintln!(
        "{probes} foreign-id probes (+ as many references) and {controls} own-id controls in {:?}",
        started.elapsed()
    );
}

async fn a_team_member_cannot_reach_spaces_outside_their_team(app: TestApp) {
    let w = world(&app).await;
    let cases = cases();
    let before = snapshot(&app).await;
    let who = Who::TeamOperator;
    for case in &cases {
        let ids = w.own.probed(case.probe, &w.back_office);
        probe(&app, &w, case, who, &ids, "Back Office id").await;
        let ids = w.own.probed(case.probe, &w.foreign);
        probe(&app, &w, case, who, &ids, "Contoso id").await;
    }
    assert_name_search_finds_nothing(&app, &w, who, "Otto").await;
    assert_name_search_finds_nothing(&app, &w, who, "Cora").await;
    // The owner reaches Back Office: the ids are real, only out of Tess's reach.
    let owner_view = app
        .post_form(
            "/api/get_space",
            &space_body(&w.back_office, ""),
            Some(w.cookie(Who::Owner)),
        )
        .await;
    assert_eq!(owner_view.status, 200, "{}", owner_view.body);
    assert!(owner_view.body.contains("Back Office"));
    let owner_view = app
        .post_form(
            "/api/get_persona",
            &persona_body(&w.back_office, ""),
            Some(w.cookie(Who::Owner)),
        )
        .await;
    assert_eq!(owner_view.status, 200, "{}", owner_view.body);
    assert!(owner_view.body.contains("Otto"));

    // Nothing tenant-wide shows Back Office to her; the audit log and members are refused.
    for (path, body) in NO_ID_CALLS {
        let reply = app.post_form(path, body, Some(w.cookie(who))).await;
        let tenant_wide = matches!(*path, "/api/list_members" | "/api/list_audit");
        if tenant_wide {
            assert_eq!(reply.status, 403, "{path}: {}", reply.body);
        } else {
            assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        }
        assert_no_leak(&reply, &w.markers_for(who), &[], &format!("Tess {path}"));
    }
    assert_unchanged(&app, &before, "probing with Back Office ids").await;

    // The same calls on Customer Support succeed: she is its operator.
    let ran = run_controls(&app, &w, &cases, who, true).await;
    assert_eq!(ran, controls(&cases).len());
}

async fn pages_for_unreachable_ids_are_404_and_name_nothing(app: TestApp) {
    let w = world(&app).await;
    let before = snapshot(&app).await;
    let nowhere = Ids::nonexistent();
    let mut everyone = ROLES.to_vec();
    everyone.push(Who::TeamOperator);
    let mut checked = 0;
    for who in everyone {
        let cookie = w.cookie(who);
        let markers = w.markers_for(who);
        let mut unreachable = vec![
            format!("/spaces/{}", w.foreign.space),
            format!("/personas/{}", w.foreign.persona),
            format!("/spaces/{}", w.foreign.space.to_uppercase()),
            format!("/spaces/{}", nowhere.space),
            format!("/personas/{}", nowhere.persona),
            "/spaces/%27%20OR%20%271%27%3D%271".to_string(),
            format!("/personas/{}", "9".repeat(300)),
        ];
        if who == Who::TeamOperator {
            unreachable.push(format!("/spaces/{}", w.back_office.space));
            unreachable.push(format!("/personas/{}", w.back_office.persona));
        }
        for path in &unreachable {
            let page = app.get(path, Some(cookie)).await;
            let what = format!("{who:?} GET {path}");
            assert_eq!(page.status, 404, "{what}: {}", page.body);
            assert!(
                page.body.contains("Not found."),
                "{what}: the not-found notice"
            );
            // The address is the visitor's own input; everything else must be absent.
            let id = path.rsplit('/').next().unwrap_or_default();
            assert_no_leak(&page, &markers, &[id], &what);
            checked += 1;
        }
        // Controls: their own space and persona render.
        let page = app
            .get(&format!("/spaces/{}", w.own.space), Some(cookie))
            .await;
        assert_eq!(page.status, 200, "{who:?} own space: {}", page.body);
        assert!(page.body.contains("Customer Support"));
        assert_no_leak(&page, &markers, &[], &format!("{who:?} own space page"));
        let page = app
            .get(&format!("/personas/{}", w.own.persona), Some(cookie))
            .await;
        assert_eq!(page.status, 200, "{who:?} own persona: {}", page.body);
        assert!(page.body.contains("Milo"));
        assert_no_leak(&page, &markers, &[], &format!("{who:?} own persona page"));

        // Lists filtered by an unreachable id show nothing of it.
        let mut filtered = vec![
            format!("/personas?space={}", w.foreign.space),
            format!("/audit?entity_id={}", w.foreign.persona),
            format!("/audit/export?format=json&entity_id={}", w.foreign.persona),
            format!("/audit/export?format=csv&entity_id={}", w.foreign.space),
        ];
        if who == Who::TeamOperator {
            filtered.push(format!("/personas?space={}", w.back_office.space));
        }
        for path in &filtered {
            let page = app.get(path, Some(cookie)).await;
            let what = format!("{who:?} GET {path}");
            let audit = path.starts_with("/audit");
            if audit && who == Who::TeamOperator {
                // The audit log spans every space: refused to a team-confined member.
                assert_eq!(page.status, 403, "{what}: {}", page.body);
            } else {
                assert_eq!(page.status, 200, "{what}: {}", page.body);
            }
            let id = path.rsplit('=').next().unwrap_or_default();
            assert_no_leak(&page, &markers, &[id], &what);
            if path.contains("format=json") && page.status == 200 {
                assert!(
                    page.body.trim().is_empty(),
                    "{what}: no entries: {}",
                    page.body
                );
            }
            checked += 1;
        }
        // Every page a member can open names nothing of Contoso (or, for Tess, Back Office).
        for path in [
            "/",
            "/spaces",
            "/personas",
            "/capabilities",
            "/members",
            "/audit",
        ] {
            let page = app.get(path, Some(cookie)).await;
            assert!(
                matches!(page.status, 200 | 403),
                "{who:?} GET {path}: {} {}",
                page.status,
                page.body
            );
            assert_no_leak(&page, &markers, &[], &format!("{who:?} GET {path}"));
            checked += 1;
        }
    }
    assert_unchanged(&app, &before, "opening pages").await;
    eprintln!("{checked} page loads checked");
}

// ---------------------------------------------------------------------------------------
// Property: sampled (function × role × id shape), with garbage
// ---------------------------------------------------------------------------------------

/// How a probed slot is filled.
#[derive(Debug, Clone)]
enum Shape {
    /// Contoso's id, as issued.
    Foreign,
    /// Contoso's id in capitals.
    ForeignUpper,
    /// Contoso's id in a form `Uuid::parse_str` also accepts: `{…}`, `urn:uuid:…`, simple.
    ForeignWrapped(u8),
    /// Contoso's id padded with whitespace.
    ForeignPadded(String, String),
    /// Back Office's id (asked by the team operator, who does not reach it).
    BackOffice,
    /// A random well-formed uuid.
    RandomUuid(u128),
    /// Anything else.
    Garbage(String),
}

impl Shape {
    /// Whether every value of this shape parses as a uuid.
    fn is_uuid(&self) -> bool {
        !matches!(self, Shape::ForeignPadded(..) | Shape::Garbage(_))
    }

    fn fill(&self, w: &World, case: &Case) -> Ids {
        let from = if matches!(self, Shape::BackOffice) {
            &w.back_office
        } else {
            &w.foreign
        };
        let f: Box<dyn Fn(&str) -> String> = match self {
            Shape::Foreign | Shape::BackOffice => Box::new(|id: &str| id.to_string()),
            Shape::ForeignUpper => Box::new(|id: &str| id.to_uppercase()),
            Shape::ForeignWrapped(n) => {
                let n = *n;
                Box::new(move |id: &str| match n % 3 {
                    0 => format!("{{{id}}}"),
                    1 => format!("urn:uuid:{id}"),
                    _ => id.replace('-', ""),
                })
            }
            Shape::ForeignPadded(l, r) => {
                let (l, r) = (l.clone(), r.clone());
                Box::new(move |id: &str| format!("{l}{id}{r}"))
            }
            Shape::RandomUuid(n) => {
                let id = uuid::Uuid::from_u128(*n).to_string();
                Box::new(move |_: &str| id.clone())
            }
            Shape::Garbage(s) => {
                let s = s.clone();
                Box::new(move |_: &str| s.clone())
            }
        };
        w.own.probed_with(case.probe, from, &*f)
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    let sqlish = prop::sample::select(vec![
        "' OR '1'='1",
        "1; DROP TABLE spaces; --",
        "\" OR \"\"=\"",
        "%",
        "_",
        "*",
        "..%2F..%2Fetc%2Fpasswd",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "null",
        "undefined",
        "[object Object]",
        "\\x00",
        "' UNION SELECT id, name FROM tenants --",
    ])
    .prop_map(str::to_string);
    let garbage = prop_oneof![
        sqlish,
        "[ -~]{1,80}",
        "[0-9a-fA-F-]{30,40}",
        "[a-z0-9]{37,3000}",
        "\\PC{1,60}",
        // NUL has a test of its own (`a_nul_byte_…`): PostgreSQL refuses it in text.
        "[a-z]{0,4}[\\x01-\\x1f\\x7f][a-z]{0,4}",
    ]
    .prop_filter("blank means \"none\" in optional fields", |s: &String| {
        !s.trim().is_empty()
    });
    prop_oneof![
        3 => Just(Shape::Foreign),
        1 => Just(Shape::ForeignUpper),
        1 => any::<u8>().prop_map(Shape::ForeignWrapped),
        1 => ("[ \t\n]{0,3}", "[ \t\n]{1,3}").prop_map(|(l, r)| Shape::ForeignPadded(l, r)),
        2 => Just(Shape::BackOffice),
        1 => any::<u128>().prop_map(Shape::RandomUuid),
        4 => garbage.prop_map(Shape::Garbage),
    ]
}

async fn sampled_foreign_and_garbage_ids_never_fail_and_never_leak(app: TestApp) {
    let w = world(&app).await;
    let cases = cases();
    let before = snapshot(&app).await;
    let started = Instant::now();
    let cases_to_run = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(160);
    let mut runner = TestRunner::new(Config {
        cases: cases_to_run,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..cases.len(), 0..ROLES.len() + 1, shape());
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::block_in_place(|| {
        runner.run(&strategy, |(c, r, shape)| {
            let case = &cases[c];
            // Back Office ids are probes only for the member who cannot see them.
            let who = if matches!(shape, Shape::BackOffice) {
                Who::TeamOperator
            } else {
                *ROLES.get(r).unwrap_or(&Who::TeamOperator)
            };
            let ids = shape.fill(&w, case);
            handle.block_on(async {
                let cookie = w.cookie(who);
                let reference_ids = w.own.probed(case.probe, &Ids::nonexistent());
                let audit_before = audit_counts(&app, &w).await;
                let reply = app
                    .post_form(case.path, &(case.body)(&ids, "x"), Some(cookie))
                    .await;
                let reference = app
                    .post_form(case.path, &(case.body)(&reference_ids, "x"), Some(cookie))
                    .await;
                prop_assert!(
                    reply.status < 500,
                    "{who:?} × {} with {shape:?}: {} {}",
                    case.label,
                    reply.status,
                    reply.body
                );
                // Exactly what a never-issued id gets; a value that is not a uuid at all
                // may instead be refused as a bad request (400), before anything is read.
                let like_reference =
                    reply.status == case.expected(who) && reply.body == reference.body;
                let bad_request = !shape.is_uuid() && reply.status == 400;
                prop_assert!(
                    like_reference || bad_request,
                    "{who:?} × {} with {shape:?}: {} {} (a never-issued id: {} {}; want {})",
                    case.label,
                    reply.status,
                    reply.body,
                    reference.status,
                    reference.body,
                    case.expected(who)
                );
                let found = leaks(&reply.body, &w.markers_for(who), &[]);
                prop_assert!(
                    found.is_empty(),
                    "{who:?} × {} leaked {found:?}",
                    case.label
                );
                prop_assert_eq!(audit_counts(&app, &w).await, audit_before);
                Ok::<(), TestCaseError>(())
            })
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    assert_unchanged(&app, &before, "sampled probes").await;
    eprintln!("{cases_to_run} sampled probes in {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------
// No session, wrong origin
// ---------------------------------------------------------------------------------------

async fn server_functions_need_a_session_and_the_consoles_own_origin(app: TestApp) {
    let w = world(&app).await;
    let before = snapshot(&app).await;
    let audit_before = audit_counts(&app, &w).await;
    let owner = w.cookie(Who::Owner);
    let mut calls: Vec<(&str, String)> = controls(&cases())
        .iter()
        .map(|c| (c.path, (c.body)(&w.own, "nosession")))
        .collect();
    calls.extend(
        NO_ID_CALLS
            .iter()
            .filter(|(p, _)| *p != "/api/get_session_view")
            .map(|(p, b)| (*p, b.to_string())),
    );
    calls.push((
        "/api/create_space",
        form(&[("name", "Sneaky"), ("description", "")]),
    ));
    calls.push((
        "/api/add_member",
        form(&[
            ("email", "sneaky@evil.example"),
            ("display_name", "Sneaky"),
            ("role", "owner"),
        ]),
    ));
    calls.push((
        "/api/create_team",
        form(&[("name", "Sneaky"), ("role", "operator")]),
    ));
    for (path, body) in &calls {
        // No session at all: a script posting straight to the URL.
        let r = app.post_form(path, body, None).await;
        assert_eq!(r.status, 401, "{path} without a session: {}", r.body);
        assert_eq!(code(&r), "unauthenticated", "{path}");
        // A forged session cookie is no session.
        let r = app
            .post_form(path, body, Some("persona_session=forged"))
            .await;
        assert_eq!(r.status, 401, "{path} with a forged session: {}", r.body);
        // The owner's real session, but from another site: refused before anything runs.
        for origin in [Some("https://evil.example"), Some("null"), None] {
            let r = app
                .post_form_from(path, body, Some(owner), origin, [127, 0, 0, 1])
                .await;
            assert_eq!(r.status, 403, "{path} from {origin:?}: {}", r.body);
            assert_eq!(code(&r), "forbidden", "{path} from {origin:?}");
        }
        // A browser that says the request is cross-site is believed over its Origin.
        let request = axum::http::Request::post(*path)
            .header(axum::http::header::HOST, common::HOST)
            .header(axum::http::header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "cross-site")
            .header(axum::http::header::COOKIE, owner)
            .header(
                axum::http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        let r = app.send(request).await;
        assert_eq!(
            r.status, 403,
            "{path} with Sec-Fetch-Site: cross-site: {}",
            r.body
        );
        // GET is no way in either.
        let r = app.get(&format!("{path}?{body}"), Some(owner)).await;
        assert_eq!(r.status, 405, "GET {path}: {}", r.body);
    }
    assert_eq!(audit_counts(&app, &w).await, audit_before);
    assert_unchanged(&app, &before, "refused requests").await;

    // The very same post from the console itself goes through: the refusals were about
    // the session and the origin.
    let body = create_app_body(&w.own, "sameorigin");
    let r = app.post_form("/api/create_app", &body, Some(owner)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(audit_counts(&app, &w).await.0, audit_before.0 + 1);
    eprintln!(
        "{} server functions refused without a session or origin",
        calls.len()
    );
}

// ---------------------------------------------------------------------------------------
// NUL bytes
// ---------------------------------------------------------------------------------------

/// PostgreSQL cannot store or compare text holding a NUL byte, so a NUL that reaches a
/// query fails it; that must surface as a refusal (400/404), not as a 500 that anyone
/// can trigger at will. Collects every offender before failing, to name them all.
async fn a_nul_byte_in_an_argument_is_refused_not_a_server_error(app: TestApp) {
    let w = world(&app).await;
    let before = snapshot(&app).await;
    let audit_before = audit_counts(&app, &w).await;
    let owner = w.cookie(Who::Owner);
    let nul = |_: &str| "a\0b".to_string();
    let mut offenders: Vec<String> = Vec::new();
    let mut tried = 0;
    for case in cases() {
        let ids = w.own.probed_with(case.probe, &w.own, &nul);
        let r = app
            .post_form(case.path, &(case.body)(&ids, "nul"), Some(owner))
            .await;
        tried += 1;
        let lists = case.refusal == Refusal::AsIfAbsent;
        if r.status >= 500 || (success(r.status) && !lists) {
            offenders.push(format!(
                "POST {} ({}): {} {}",
                case.path, case.label, r.status, r.body
            ));
        }
    }
    // Free-text arguments that reach a query as they are.
    for (path, body) in [
        ("/api/list_personas", "filter[q]=a%00b"),
        ("/api/list_audit", "filter[actor]=a%00b%40example.com"),
        ("/api/list_audit", "filter[entity_type]=a%00b"),
        ("/api/list_audit", "filter[action]=a%00b"),
        (
            "/api/add_member",
            "email=a%00b%40example.com&display_name=Nul&role=viewer",
        ),
    ] {
        let r = app.post_form(path, body, Some(owner)).await;
        tried += 1;
        // A NUL is no part of an email address: adding one is as wrong as failing.
        if r.status >= 500 || (path == "/api/add_member" && success(r.status)) {
            offenders.push(format!("POST {path} {body}: {} {}", r.status, r.body));
        }
    }
    // Without any session: the sign-in form and the page routes.
    let r = app
        .post_login("a\0b@example.com", "whatever-password", None)
        .await;
    tried += 1;
    if r.status >= 500 {
        offenders.push(format!(
            "POST /auth/login (email with NUL, no session): {} {}",
            r.status, r.body
        ));
    }
    for path in ["/spaces/a%00b", "/personas/a%00b"] {
        let r = app.get(path, Some(owner)).await;
        tried += 1;
        if r.status >= 500 {
            let notice = r
                .body
                .find("notice-error")
                .map(|i| &r.body[i..(i + 120).min(r.body.len())]);
            offenders.push(format!("GET {path}: {} {notice:?}", r.status));
        }
    }
    assert!(
        offenders.is_empty(),
        "{} of {tried} requests with a NUL byte failed as server errors (or succeeded):\n{}",
        offenders.len(),
        offenders.join("\n")
    );
    assert_eq!(audit_counts(&app, &w).await, audit_before);
    assert_unchanged(&app, &before, "NUL probes").await;
}

// ---------------------------------------------------------------------------------------
// Repeated and malformed arguments
// ---------------------------------------------------------------------------------------

/// Parameter pollution: a second value for the same argument, in either order, never
/// reaches Contoso. Whatever the decoder does with it, the answer names nothing of
/// Contoso, nothing is created there, and anything that succeeds happened in Northwind.
async fn a_repeated_argument_never_reaches_the_other_tenant(app: TestApp) {
    let w = world(&app).await;
    let owner = w.cookie(Who::Owner);
    let (own, foreign) = (&w.own, &w.foreign);
    let contoso_before = snapshot(&app).await;
    let pairs = [
        ("/api/get_space", "space_id", &own.space, &foreign.space, ""),
        (
            "/api/get_persona",
            "persona_id",
            &own.persona,
            &foreign.persona,
            "",
        ),
        (
            "/api/create_app",
            "space_id",
            &own.space,
            &foreign.space,
            "&name=Polluted&kind=workflow&description=",
        ),
        (
            "/api/set_team_space",
            "space_id",
            &own.space,
            &foreign.space,
            "&granted=true",
        ),
    ];
    for (path, key, mine, theirs, rest) in pairs {
        for (first, second) in [(mine, theirs), (theirs, mine)] {
            let mut body = format!("{key}={first}&{key}={second}{rest}");
            if path == "/api/set_team_space" {
                body.push_str(&format!("&team_id={}", own.team));
            }
            let (northwind, contoso) = audit_counts(&app, &w).await;
            let r = app.post_form(path, &body, Some(owner)).await;
            let what = format!("POST {path} {body}");
            assert_no_leak(&r, &w.foreign_markers, &[], &what);
            let after = audit_counts(&app, &w).await;
            assert_eq!(after.1, contoso, "{what} wrote to Contoso");
            if success(r.status) {
                assert!(
                    r.body.contains("Customer Support") || after.0 == northwind + 1,
                    "{what}: a success must be about Northwind: {}",
                    r.body
                );
            } else {
                assert_eq!(after.0, northwind, "{what}: a refusal wrote an entry");
            }
        }
    }
    // Contoso's rows are as they were (Northwind's may have grown by a success above).
    let after = snapshot(&app).await;
    for ((table, was), (_, now)) in contoso_before.iter().zip(&after) {
        for id in [&foreign.space, &foreign.persona, &foreign.team] {
            assert_eq!(
                was.matches(id.as_str()).count(),
                now.matches(id.as_str()).count(),
                "{table}: rows about Contoso's {id} changed"
            );
        }
    }
}

/// Arguments that cannot be decoded (missing, repeated, of the wrong type) are the
/// client's mistake: 400 with `code: request`, signed in or not, never a 500.
async fn malformed_arguments_are_a_bad_request_not_a_server_error(app: TestApp) {
    let w = world(&app).await;
    let owner = w.cookie(Who::Owner);
    let space = &w.own.space;
    let bodies = [
        ("/api/get_space", String::new()),
        (
            "/api/get_space",
            format!("space_id={space}&space_id={space}"),
        ),
        ("/api/get_space", format!("space_id[]={space}")),
        (
            "/api/disable_capability",
            format!(
                "space_id={space}&capability_id={}&seen_grants=many",
                w.own.disable_capability
            ),
        ),
        (
            "/api/set_user_disabled",
            format!("user_id={}&disabled=perhaps", w.own.user),
        ),
        (
            "/api/remove_grant",
            format!(
                "persona_id={}&grant_id={}&version=1.5",
                w.own.persona, w.own.grant
            ),
        ),
        ("/api/list_personas", "filter[stage]=first".to_string()),
    ];
    let mut offenders = Vec::new();
    for (path, body) in &bodies {
        for cookie in [Some(owner), None] {
            let r = app.post_form(path, body, cookie).await;
            let ok = r.status == 400 || (cookie.is_none() && r.status == 401);
            if !ok {
                offenders.push(format!(
                    "POST {path} {body:?} ({}): {} {}",
                    if cookie.is_some() {
                        "owner"
                    } else {
                        "no session"
                    },
                    r.status,
                    r.body
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "{} of {} undecodable requests were not answered 400:\n{}",
        offenders.len(),
        bodies.len() * 2,
        offenders.join("\n")
    );
}
