//! The control-plane model through its services, against a real database: every change
//! writes one audit entry and a refused one changes nothing; bad input gets a field
//! error; tenants, spaces and risky grants keep their invariants; stale edits conflict;
//! disabling a capability ends its grants in one step; roles and teams decide who may
//! change what; removing or disabling a member ends their sessions; the persona list
//! filters and pages. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestApp;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use std::fmt::Debug;

use app::AppError;
use app::domain::Actor;
use app::domain::auth::login::load_actor;
use app::domain::auth::session_auth::SessionAuth;
use app::domain::capabilities::disable::{disable_capability, get_disable_impact};
use app::domain::capabilities::enable::{
    NewExternalSystem, enable_builtin, register_external_system,
};
use app::domain::demo::Demo;
use app::domain::entities::{
    app as app_entity, audit_entry, capability, capability_action, environment, grant, membership,
    persona, session, space, team, team_member, team_space, tenant, user,
};
use app::domain::grants::{SetGrant, remove_grant, set_grant};
use app::domain::members::list::list_members;
use app::domain::members::manage::{add_member, change_role, remove_member, set_user_disabled};
use app::domain::members::teams::{create_team, set_team_member, set_team_space};
use app::domain::personas::create::{NewPersona, create_persona};
use app::domain::personas::detail::get_persona;
use app::domain::personas::list::list_personas;
use app::domain::personas::update::{PersonaEdit, update_persona};
use app::domain::spaces::apps::create_app;
use app::domain::spaces::create::create_space;
use app::domain::spaces::environments::add_environment;
use app::domain::spaces::read::{get_space, list_spaces};
use app::types::{
    Access, CapabilityId, Continuity, GrantId, PersonaFilter, PersonaId, PersonaListView, Role,
    SpaceId, TeamId, TenantId, UserId,
};

on_both_databases!(
    every_space_change_writes_one_audit_entry,
    every_member_change_writes_one_audit_entry,
    refused_changes_write_nothing_and_change_nothing,
    a_new_spaces_environments_come_in_the_order_added,
    names_must_be_present_and_at_most_120_characters,
    names_are_unique_within_their_scope,
    unknown_ids_are_not_found,
    grant_environments_must_belong_to_the_space,
    out_of_range_values_get_a_field_error,
    another_tenants_spaces_and_personas_are_not_found,
    grants_need_a_capability_enabled_in_the_personas_space,
    a_persona_never_changes_space,
    risky_actions_default_to_approval_and_only_admins_lower_them_with_a_reason,
    a_stale_grant_edit_is_a_conflict,
    a_stale_persona_edit_is_a_conflict,
    racing_edits_let_exactly_one_win,
    disabling_a_capability_ends_its_grants_in_one_step,
    viewers_reviewers_and_evaluators_change_nothing,
    operators_edit_spaces_but_cannot_lower_risk_or_manage_members,
    only_owners_make_or_change_owners,
    the_last_owner_cannot_be_demoted_or_removed,
    a_disabled_owner_does_not_keep_the_tenant_owned,
    a_team_confines_a_member_to_its_spaces_at_its_role,
    removing_a_member_ends_their_sessions,
    disabling_a_user_ends_their_sessions_and_sign_ins,
    the_persona_list_filters_by_space_stage_and_name,
    the_persona_list_pages_with_a_cursor,
    a_cursor_from_another_tenant_reveals_nothing,
    name_search_folds_case_beyond_ascii,
);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const OWNER: &str = "demo@persona-console.local";
const OPERATOR: &str = "operator@persona-console.local";
const VIEWER: &str = "viewer@persona-console.local";
const OUTSIDER: &str = "outsider@persona-console.local";

async fn user_row(app: &TestApp, email: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
}

async fn user_id(app: &TestApp, email: &str) -> UserId {
    UserId::from_db(user_row(app, email).await.id)
}

/// The console identity of a person acting in `tenant`, as a fresh session would load it.
async fn actor_in(app: &TestApp, email: &str, tenant: &TenantId) -> Actor {
    let user = user_row(app, email).await;
    let auth = SessionAuth {
        user_id: user.id,
        tenant_id: tenant.to_string(),
        authenticated_at: app::domain::now().unix_timestamp(),
    };
    load_actor(&app.ctx, &auth)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} cannot act in {tenant}"))
}

/// The console identity of a person in their (only, or first) tenant.
async fn actor(app: &TestApp, email: &str) -> Actor {
    let user = user_row(app, email).await;
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id.as_str()))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} is no member"));
    actor_in(app, email, &TenantId::from_db(member.tenant_id)).await
}

fn role_of(actor: &Actor) -> Role {
    let Actor::Console(user) = actor;
    user.role
}

fn space_of(demo: &Demo, name: &str) -> SpaceId {
    demo.spaces
        .iter()
        .chain(&demo.other_tenant.spaces)
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no demo space {name}"))
        .id
        .clone()
}

fn persona_of(demo: &Demo, name: &str) -> PersonaId {
    demo.personas
        .iter()
        .chain(&demo.other_tenant.personas)
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no demo persona {name}"))
        .id
        .clone()
}

async fn capability_row(app: &TestApp, space: &SpaceId, key: &str) -> capability::Model {
    capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space.as_str()))
        .filter(capability::Column::Key.eq(key))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no capability {key}"))
}

async fn cap_id(app: &TestApp, space: &SpaceId, key: &str) -> CapabilityId {
    CapabilityId::from_db(capability_row(app, space, key).await.id)
}

async fn persona_row(app: &TestApp, id: &PersonaId) -> persona::Model {
    persona::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .expect("persona row")
}

async fn grant_row(app: &TestApp, id: &GrantId) -> grant::Model {
    grant::Entity::find_by_id(id.as_str())
        .one(&app.ctx.db)
        .await
        .unwrap()
        .expect("grant row")
}

async fn grants_of_capability(app: &TestApp, cap: &CapabilityId) -> Vec<grant::Model> {
    grant::Entity::find()
        .filter(grant::Column::CapabilityId.eq(cap.as_str()))
        .all(&app.ctx.db)
        .await
        .unwrap()
}

async fn find_grant(
    app: &TestApp,
    persona: &PersonaId,
    cap: &CapabilityId,
    action: &str,
) -> Option<grant::Model> {
    grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(persona.as_str()))
        .filter(grant::Column::CapabilityId.eq(cap.as_str()))
        .filter(grant::Column::ActionName.eq(action))
        .one(&app.ctx.db)
        .await
        .unwrap()
}

async fn member_role(app: &TestApp, tenant: &TenantId, user: &UserId) -> Option<String> {
    membership::Entity::find_by_id((tenant.to_string(), user.to_string()))
        .one(&app.ctx.db)
        .await
        .unwrap()
        .map(|m| m.role)
}

async fn sessions_of(app: &TestApp, user: &UserId) -> u64 {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user.as_str()))
        .count(&app.ctx.db)
        .await
        .unwrap()
}

fn envs(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A new grant in the sandbox from stage 1, with no reason.
fn new_grant<'a>(
    capability_id: &'a str,
    action: &'a str,
    access: &'a str,
    environments: &'a [String],
) -> SetGrant<'a> {
    SetGrant {
        capability_id,
        action,
        access,
        environments,
        min_stage: "1",
        reason: "",
        version: None,
    }
}

fn new_persona<'a>(name: &'a str) -> NewPersona<'a> {
    NewPersona {
        name,
        role_description: "Answers questions in tests.",
        owner: "",
        on_call: "",
        continuity: &[],
    }
}

/// An edit of a persona that keeps everything but what the caller overrides.
fn edit_of<'a>(row: &'a persona::Model, continuity: &'a [String]) -> PersonaEdit<'a> {
    PersonaEdit {
        name: &row.name,
        role_description: &row.role_description,
        owner: row.owner_user_id.as_deref().unwrap_or_default(),
        on_call: row.on_call_user_id.as_deref().unwrap_or_default(),
        continuity,
        version: row.version,
    }
}

fn continuity_of(row: &persona::Model) -> Vec<String> {
    row.continuity
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[track_caller]
fn assert_invalid<T: Debug>(result: Result<T, AppError>, want_field: &str) {
    match result {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, want_field, "wrong field ({message})");
            assert!(!message.is_empty(), "a field error says what is wrong");
        }
        other => panic!("expected an error on `{want_field}`, got {other:?}"),
    }
}

#[track_caller]
fn assert_conflict<T: Debug>(result: Result<T, AppError>) {
    assert!(
        matches!(result, Err(AppError::Conflict { .. })),
        "expected a conflict, got {result:?}"
    );
}

#[track_caller]
fn assert_forbidden<T: Debug>(result: Result<T, AppError>) {
    assert!(
        matches!(result, Err(AppError::Forbidden)),
        "expected forbidden, got {result:?}"
    );
}

#[track_caller]
fn assert_not_found<T: Debug>(result: Result<T, AppError>) {
    assert!(
        matches!(result, Err(AppError::NotFound)),
        "expected not found, got {result:?}"
    );
}

async fn audit_len(app: &TestApp, tenant: &TenantId) -> u64 {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.as_str()))
        .count(&app.ctx.db)
        .await
        .unwrap()
}

async fn last_entry(app: &TestApp, tenant: &TenantId) -> audit_entry::Model {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.as_str()))
        .order_by_desc(audit_entry::Column::Seq)
        .one(&app.ctx.db)
        .await
        .unwrap()
        .expect("an audit entry")
}

/// Counts a tenant's audit log around a change.
struct AuditMark {
    tenant: TenantId,
    before: u64,
}

impl AuditMark {
    async fn new(app: &TestApp, tenant: &TenantId) -> Self {
        Self {
            tenant: tenant.clone(),
            before: audit_len(app, tenant).await,
        }
    }

    /// Exactly one entry was written since the mark, with this action, by this actor.
    async fn one(&mut self, app: &TestApp, action: &str, by: &Actor) -> audit_entry::Model {
        let now = audit_len(app, &self.tenant).await;
        assert_eq!(now, self.before + 1, "{action}: exactly one audit entry");
        let entry = last_entry(app, &self.tenant).await;
        assert_eq!(entry.action, action);
        let Actor::Console(user) = by;
        assert_eq!(entry.actor_user_id.as_deref(), Some(user.user_id.as_str()));
        assert_eq!(entry.actor_role, user.role.as_str());
        self.before = now;
        entry
    }

    async fn none(&self, app: &TestApp, what: &str) {
        assert_eq!(
            audit_len(app, &self.tenant).await,
            self.before,
            "{what}: no audit entry"
        );
    }
}

async fn dump<E>(app: &TestApp) -> Vec<String>
where
    E: EntityTrait,
    E::Model: Debug,
{
    let mut rows: Vec<String> = E::find()
        .all(&app.ctx.db)
        .await
        .unwrap()
        .iter()
        .map(|m| format!("{m:?}"))
        .collect();
    rows.sort();
    rows
}

/// Every row of every table of the model (sessions aside), to show nothing changed.
async fn snapshot(app: &TestApp) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("tenants", dump::<tenant::Entity>(app).await),
        ("users", dump::<user::Entity>(app).await),
        ("memberships", dump::<membership::Entity>(app).await),
        ("teams", dump::<team::Entity>(app).await),
        ("team_members", dump::<team_member::Entity>(app).await),
        ("team_spaces", dump::<team_space::Entity>(app).await),
        ("spaces", dump::<space::Entity>(app).await),
        ("environments", dump::<environment::Entity>(app).await),
        ("apps", dump::<app_entity::Entity>(app).await),
        ("capabilities", dump::<capability::Entity>(app).await),
        (
            "capability_actions",
            dump::<capability_action::Entity>(app).await,
        ),
        ("personas", dump::<persona::Entity>(app).await),
        ("grants", dump::<grant::Entity>(app).await),
        ("audit_entries", dump::<audit_entry::Entity>(app).await),
    ]
}

async fn assert_unchanged(app: &TestApp, before: &[(&'static str, Vec<String>)]) {
    let after = snapshot(app).await;
    for ((table, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(was, now, "{table} changed");
    }
}

// ---------------------------------------------------------------------------------------
// 1. One audit entry per change; a refused change writes nothing
// ---------------------------------------------------------------------------------------

async fn every_space_change_writes_one_audit_entry(app: TestApp) {
    let demo = app.demo().await;
    let t = &demo.tenant_id;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let mut mark = AuditMark::new(&app, t).await;

    let lab = create_space(ctx, &dana, "Lab", "Experiments.")
        .await
        .unwrap();
    let entry = mark.one(&app, "space.created", &dana).await;
    assert_eq!(entry.entity_type, "space");
    assert_eq!(entry.entity_id, lab.as_str());
    assert!(entry.diff.contains("production"), "{}", entry.diff);
    let mut environments = get_space(ctx, &dana, &lab).await.unwrap().environments;
    environments.sort();
    assert_eq!(environments, ["production", "sandbox", "staging"]);

    add_environment(ctx, &dana, &lab, "qa").await.unwrap();
    mark.one(&app, "environment.created", &dana).await;
    let app_id = create_app(ctx, &dana, &lab, "Lab UI", "product_ui", "")
        .await
        .unwrap();
    assert_eq!(
        mark.one(&app, "app.created", &dana).await.entity_id,
        app_id.as_str()
    );
    let chat = enable_builtin(ctx, &dana, &lab, "chat").await.unwrap();
    mark.one(&app, "capability.enabled", &dana).await;
    let crm = register_external_system(
        ctx,
        &dana,
        &lab,
        NewExternalSystem {
            kind: "crm",
            name: "Acme CRM",
            endpoint: "https://crm.example",
            actions: "lookup read\nupdate write high_risk",
        },
    )
    .await
    .unwrap();
    let entry = mark.one(&app, "capability.registered", &dana).await;
    assert!(
        entry.diff.contains("update"),
        "the actions are in the entry"
    );
    let bot = create_persona(ctx, &dana, &lab, new_persona("Lab Bot"))
        .await
        .unwrap();
    assert_eq!(
        mark.one(&app, "persona.created", &dana).await.entity_id,
        bot.as_str()
    );
    let row = persona_row(&app, &bot).await;
    let memory = envs(&["memory"]);
    update_persona(
        ctx,
        &dana,
        &bot,
        PersonaEdit {
            role_description: "Answers questions in the lab.",
            ..edit_of(&row, &memory)
        },
    )
    .await
    .unwrap();
    mark.one(&app, "persona.updated", &dana).await;

    let sandbox = envs(&["sandbox"]);
    let g = set_grant(
        ctx,
        &dana,
        &bot,
        new_grant(chat.as_str(), "", "write", &sandbox),
    )
    .await
    .unwrap();
    assert_eq!(
        mark.one(&app, "grant.created", &dana).await.entity_id,
        g.as_str()
    );
    let both = envs(&["sandbox", "qa"]);
    set_grant(
        ctx,
        &dana,
        &bot,
        SetGrant {
            version: Some(1),
            ..new_grant(chat.as_str(), "", "write", &both)
        },
    )
    .await
    .unwrap();
    mark.one(&app, "grant.updated", &dana).await;
    set_grant(
        ctx,
        &dana,
        &bot,
        new_grant(crm.as_str(), "lookup", "read", &sandbox),
    )
    .await
    .unwrap();
    mark.one(&app, "grant.created", &dana).await;
    remove_grant(ctx, &dana, &bot, &g, 2).await.unwrap();
    mark.one(&app, "grant.removed", &dana).await;
    assert!(find_grant(&app, &bot, &chat, "").await.is_none());

    let n = disable_capability(ctx, &dana, &lab, &crm, 1).await.unwrap();
    assert_eq!(n, 1);
    mark.one(&app, "capability.disabled", &dana).await;
    enable_builtin(ctx, &dana, &lab, "agenda").await.unwrap();
    mark.one(&app, "capability.enabled", &dana).await;
}

async fn every_member_change_writes_one_audit_entry(app: TestApp) {
    let demo = app.demo().await;
    let t = &demo.tenant_id;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let mut mark = AuditMark::new(&app, t).await;

    let added = add_member(
        ctx,
        &dana,
        "Rita@Northwind.example",
        "Rita Reviewer",
        "reviewer",
    )
    .await
    .unwrap();
    assert_eq!(added.email, "rita@northwind.example");
    assert!(added.temporary_password.is_some(), "a new account");
    let entry = mark.one(&app, "member.added", &dana).await;
    assert!(entry.diff.contains("rita@northwind.example"));
    assert!(
        !entry.diff.contains("argon2"),
        "no password hash in the log"
    );
    let rita = user_id(&app, "rita@northwind.example").await;
    assert_eq!(
        member_role(&app, t, &rita).await.as_deref(),
        Some("reviewer")
    );

    change_role(ctx, &dana, &rita, "operator").await.unwrap();
    mark.one(&app, "member.role_changed", &dana).await;
    // Asking for the role someone already has changes nothing and logs nothing.
    change_role(ctx, &dana, &rita, "operator").await.unwrap();
    mark.none(&app, "same role").await;

    let crew = create_team(ctx, &dana, "Support crew", "operator")
        .await
        .unwrap();
    assert_eq!(
        mark.one(&app, "team.created", &dana).await.entity_id,
        crew.as_str()
    );
    set_team_member(ctx, &dana, &crew, &rita, true)
        .await
        .unwrap();
    mark.one(&app, "team.member_added", &dana).await;
    set_team_member(ctx, &dana, &crew, &rita, true)
        .await
        .unwrap();
    mark.none(&app, "already a member").await;
    let support = space_of(&demo, "Customer Support");
    set_team_space(ctx, &dana, &crew, &support, true)
        .await
        .unwrap();
    mark.one(&app, "team.space_added", &dana).await;
    set_team_space(ctx, &dana, &crew, &support, false)
        .await
        .unwrap();
    mark.one(&app, "team.space_removed", &dana).await;
    set_team_member(ctx, &dana, &crew, &rita, false)
        .await
        .unwrap();
    mark.one(&app, "team.member_removed", &dana).await;

    set_user_disabled(ctx, &dana, &rita, true).await.unwrap();
    mark.one(&app, "user.disabled", &dana).await;
    set_user_disabled(ctx, &dana, &rita, false).await.unwrap();
    mark.one(&app, "user.enabled", &dana).await;
    remove_member(ctx, &dana, &rita).await.unwrap();
    let entry = mark.one(&app, "member.removed", &dana).await;
    assert_eq!(entry.entity_type, "membership");
    assert_eq!(member_role(&app, t, &rita).await, None);
}

async fn refused_changes_write_nothing_and_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let ava = persona_of(&demo, "Ava");
    let chat = cap_id(&app, &support, "chat").await;
    let before = snapshot(&app).await;
    let audit_before = audit_len(&app, &demo.tenant_id).await;

    assert_invalid(create_space(ctx, &dana, "", "x").await, "name");
    assert_invalid(
        create_app(ctx, &dana, &support, "Widget 2", "chatbot", "").await,
        "kind",
    );
    assert_invalid(
        add_environment(ctx, &dana, &support, "QA env").await,
        "name",
    );
    assert_invalid(
        create_persona(
            ctx,
            &dana,
            &support,
            NewPersona {
                role_description: "  ",
                ..new_persona("Nova")
            },
        )
        .await,
        "role_description",
    );
    let ava_row = persona_row(&app, &ava).await;
    let continuity = continuity_of(&ava_row);
    assert_invalid(
        update_persona(
            ctx,
            &dana,
            &ava,
            PersonaEdit {
                name: "Milo",
                ..edit_of(&ava_row, &continuity)
            },
        )
        .await,
        "name",
    );
    let existing = find_grant(&app, &ava, &chat, "")
        .await
        .expect("Ava's chat grant");
    let nowhere = envs(&["moon"]);
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &ava,
            SetGrant {
                version: Some(existing.version),
                ..new_grant(chat.as_str(), "", "write", &nowhere)
            },
        )
        .await,
        "environments",
    );
    assert_invalid(
        register_external_system(
            ctx,
            &dana,
            &support,
            NewExternalSystem {
                kind: "crm",
                name: "Acme CRM",
                endpoint: "https://crm.example",
                actions: "lookup read\nupdate sometimes",
            },
        )
        .await,
        "actions",
    );
    assert_invalid(
        add_member(ctx, &dana, "not-an-email", "Nobody", "viewer").await,
        "email",
    );
    assert_invalid(
        add_member(ctx, &dana, "new@northwind.example", "New", "king").await,
        "role",
    );
    assert_invalid(create_team(ctx, &dana, "Admins", "admin").await, "role");

    assert_eq!(audit_len(&app, &demo.tenant_id).await, audit_before);
    assert_unchanged(&app, &before).await;
}

/// Environments list in the order they were added: the three defaults, then the rest.
async fn a_new_spaces_environments_come_in_the_order_added(app: TestApp) {
    app.demo().await;
    let dana = actor(&app, OWNER).await;
    let lab = create_space(&app.ctx, &dana, "Lab", "").await.unwrap();
    add_environment(&app.ctx, &dana, &lab, "qa").await.unwrap();
    let view = get_space(&app.ctx, &dana, &lab).await.unwrap();
    assert_eq!(
        view.environments,
        ["sandbox", "staging", "production", "qa"]
    );
}

// ---------------------------------------------------------------------------------------
// 2. Bad input: a field error, and nothing changes
// ---------------------------------------------------------------------------------------

async fn names_must_be_present_and_at_most_120_characters(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let ava = persona_of(&demo, "Ava");
    let too_long = "n".repeat(121);
    let longest = "m".repeat(120);
    let before = snapshot(&app).await;

    for bad in ["", "   ", too_long.as_str(), "tab\there"] {
        assert_invalid(create_space(ctx, &dana, bad, "").await, "name");
        assert_invalid(
            create_app(ctx, &dana, &support, bad, "workflow", "").await,
            "name",
        );
        assert_invalid(
            create_persona(ctx, &dana, &support, new_persona(bad)).await,
            "name",
        );
        let row = persona_row(&app, &ava).await;
        let continuity = continuity_of(&row);
        assert_invalid(
            update_persona(
                ctx,
                &dana,
                &ava,
                PersonaEdit {
                    name: bad,
                    ..edit_of(&row, &continuity)
                },
            )
            .await,
            "name",
        );
        assert_invalid(
            register_external_system(
                ctx,
                &dana,
                &support,
                NewExternalSystem {
                    kind: "crm",
                    name: bad,
                    endpoint: "https://crm.example",
                    actions: "lookup read",
                },
            )
            .await,
            "name",
        );
        assert_invalid(create_team(ctx, &dana, bad, "viewer").await, "name");
    }
    // Environment names are machine names, at most 40 characters.
    for bad in ["", "Prod", "2nd", "eu west", &"e".repeat(41)] {
        assert_invalid(add_environment(ctx, &dana, &support, bad).await, "name");
    }
    assert_unchanged(&app, &before).await;

    // 120 characters is fine, and names are trimmed.
    let space = create_space(ctx, &dana, &longest, "").await.unwrap();
    assert_eq!(get_space(ctx, &dana, &space).await.unwrap().name, longest);
    let bot = create_persona(ctx, &dana, &space, new_persona("  Trim Me  "))
        .await
        .unwrap();
    assert_eq!(persona_row(&app, &bot).await.name, "Trim Me");
    add_environment(ctx, &dana, &space, &"e".repeat(40))
        .await
        .unwrap();
}

async fn names_are_unique_within_their_scope(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let olly = actor(&app, OUTSIDER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let back_office = space_of(&demo, "Back Office");
    let before = snapshot(&app).await;

    assert_invalid(
        create_space(ctx, &dana, "Back Office", "again").await,
        "name",
    );
    assert_invalid(create_space(ctx, &dana, " Back Office ", "").await, "name");
    assert_invalid(
        create_app(ctx, &dana, &support, "Support Inbox", "workflow", "").await,
        "name",
    );
    assert_invalid(
        create_persona(ctx, &dana, &support, new_persona("Ava")).await,
        "name",
    );
    assert_invalid(
        add_environment(ctx, &dana, &support, "staging").await,
        "name",
    );
    assert_invalid(
        register_external_system(
            ctx,
            &dana,
            &support,
            NewExternalSystem {
                kind: "ticketing",
                // Its key is `zendesk`, like the one already there.
                name: "ZENDESK",
                endpoint: "https://other.example",
                actions: "search read",
            },
        )
        .await,
        "name",
    );
    let milo = persona_of(&demo, "Milo");
    let row = persona_row(&app, &milo).await;
    let continuity = continuity_of(&row);
    assert_invalid(
        update_persona(
            ctx,
            &dana,
            &milo,
            PersonaEdit {
                name: "Ava",
                ..edit_of(&row, &continuity)
            },
        )
        .await,
        "name",
    );
    assert_unchanged(&app, &before).await;
    create_team(ctx, &dana, "Crew", "viewer").await.unwrap();
    assert_invalid(create_team(ctx, &dana, "Crew", "operator").await, "name");
    assert_eq!(dump::<team::Entity>(&app).await.len(), 1);

    // The same names are free in another scope.
    create_app(ctx, &dana, &back_office, "Support Inbox", "workflow", "")
        .await
        .unwrap();
    create_persona(ctx, &dana, &back_office, new_persona("Ava"))
        .await
        .unwrap();
    add_environment(ctx, &dana, &back_office, "qa")
        .await
        .unwrap();
    add_environment(ctx, &dana, &support, "qa").await.unwrap();
    create_space(ctx, &olly, "Back Office", "Contoso's own.")
        .await
        .unwrap();
    let contoso = list_spaces(ctx, &olly).await.unwrap();
    let names: Vec<&str> = contoso.spaces.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Back Office", "Contoso Sandbox"]);
}

async fn unknown_ids_are_not_found(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let ava = persona_of(&demo, "Ava");
    let chat = cap_id(&app, &support, "chat").await;
    let sandbox = envs(&["sandbox"]);
    let (space, persona, cap) = (SpaceId::new(), PersonaId::new(), CapabilityId::new());
    let before = snapshot(&app).await;

    assert_not_found(get_space(ctx, &dana, &space).await);
    assert_not_found(add_environment(ctx, &dana, &space, "qa").await);
    assert_not_found(create_app(ctx, &dana, &space, "X", "workflow", "").await);
    assert_not_found(enable_builtin(ctx, &dana, &space, "chat").await);
    assert_not_found(create_persona(ctx, &dana, &space, new_persona("X")).await);
    assert_not_found(get_persona(ctx, &dana, &persona).await);
    let row = persona_row(&app, &ava).await;
    let continuity = continuity_of(&row);
    assert_not_found(update_persona(ctx, &dana, &persona, edit_of(&row, &continuity)).await);
    assert_not_found(
        set_grant(
            ctx,
            &dana,
            &persona,
            new_grant(chat.as_str(), "", "write", &sandbox),
        )
        .await,
    );
    assert_not_found(remove_grant(ctx, &dana, &ava, &GrantId::new(), 1).await);
    assert_not_found(get_disable_impact(ctx, &dana, &support, &cap).await);
    assert_not_found(disable_capability(ctx, &dana, &support, &cap, 0).await);
    // A capability of another space is not found through this one.
    let kv = cap_id(&app, &space_of(&demo, "Back Office"), "kv_datastore").await;
    assert_not_found(disable_capability(ctx, &dana, &support, &kv, 1).await);
    // An unknown capability in a grant is a field error on the capability.
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &ava,
            new_grant(cap.as_str(), "", "write", &sandbox),
        )
        .await,
        "capability",
    );
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &ava,
            new_grant("not-an-id", "", "write", &sandbox),
        )
        .await,
        "capability",
    );
    // An unknown action of a known capability names the action.
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &ava,
            new_grant(chat.as_str(), "teleport", "write", &sandbox),
        )
        .await,
        "action",
    );
    let nobody = UserId::new();
    assert_not_found(change_role(ctx, &dana, &nobody, "viewer").await);
    assert_not_found(remove_member(ctx, &dana, &nobody).await);
    assert_not_found(set_user_disabled(ctx, &dana, &nobody, true).await);
    let team = TeamId::new();
    let opal = user_id(&app, OPERATOR).await;
    assert_not_found(set_team_member(ctx, &dana, &team, &opal, true).await);
    assert_not_found(set_team_space(ctx, &dana, &team, &support, true).await);
    // Owner and on-call must be members of the tenant.
    let olly = user_id(&app, OUTSIDER).await;
    assert_invalid(
        create_persona(
            ctx,
            &dana,
            &support,
            NewPersona {
                owner: olly.as_str(),
                ..new_persona("Nova")
            },
        )
        .await,
        "owner",
    );
    assert_invalid(
        create_persona(
            ctx,
            &dana,
            &support,
            NewPersona {
                on_call: "someone",
                ..new_persona("Nova")
            },
        )
        .await,
        "on_call",
    );
    assert_unchanged(&app, &before).await;
}

async fn grant_environments_must_belong_to_the_space(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let back_office = space_of(&demo, "Back Office");
    let milo = persona_of(&demo, "Milo");
    let agenda = cap_id(&app, &support, "agenda").await;
    add_environment(ctx, &dana, &back_office, "qa")
        .await
        .unwrap();
    let before = snapshot(&app).await;

    for (bad, why) in [
        (envs(&["qa"]), "an environment of another space"),
        (envs(&["sandbox", "moon"]), "no such environment"),
        (envs(&["sandbox", "sandbox"]), "listed twice"),
        (envs(&[]), "none at all"),
        (envs(&["", " "]), "only blanks"),
        (envs(&["Sandbox"]), "names are exact"),
    ] {
        let r = set_grant(
            ctx,
            &dana,
            &milo,
            new_grant(agenda.as_str(), "schedule_follow_up", "write", &bad),
        )
        .await;
        match r {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "environments", "{why}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    assert_unchanged(&app, &before).await;

    // Once the space has the environment, the same grant is fine; `denied` needs none.
    add_environment(ctx, &dana, &support, "qa").await.unwrap();
    let qa = envs(&["qa", " sandbox "]);
    let id = set_grant(
        ctx,
        &dana,
        &milo,
        new_grant(agenda.as_str(), "schedule_follow_up", "write", &qa),
    )
    .await
    .unwrap();
    let row = grant_row(&app, &id).await;
    assert_eq!(row.environments, r#"["qa","sandbox"]"#);
    let none = envs(&[]);
    let id = set_grant(
        ctx,
        &dana,
        &milo,
        new_grant(agenda.as_str(), "read_agenda", "denied", &none),
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &id).await.access, "denied");
}

async fn out_of_range_values_get_a_field_error(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let milo = persona_of(&demo, "Milo");
    let agenda = cap_id(&app, &support, "agenda").await;
    let orders = cap_id(&app, &support, "store-orders").await;
    let sandbox = envs(&["sandbox"]);
    let before = snapshot(&app).await;

    for stage in ["0", "5", "-1", "two", "1.5"] {
        assert_invalid(
            set_grant(
                ctx,
                &dana,
                &milo,
                SetGrant {
                    min_stage: stage,
                    ..new_grant(agenda.as_str(), "", "write", &sandbox)
                },
            )
            .await,
            "min_stage",
        );
    }
    for access in ["admin", "WRITE", "approve"] {
        assert_invalid(
            set_grant(
                ctx,
                &dana,
                &milo,
                new_grant(agenda.as_str(), "", access, &sandbox),
            )
            .await,
            "access",
        );
    }
    // A read-only action cannot be granted write or approval.
    for access in ["write", "approval"] {
        assert_invalid(
            set_grant(
                ctx,
                &dana,
                &milo,
                new_grant(orders.as_str(), "lookup_order", access, &sandbox),
            )
            .await,
            "access",
        );
    }
    for kind in ["", "chatbot", "Product_UI", "product ui"] {
        assert_invalid(
            create_app(ctx, &dana, &support, "New App", kind, "").await,
            "kind",
        );
    }
    assert_invalid(
        enable_builtin(ctx, &dana, &support, "telepathy").await,
        "builtin",
    );
    for (kind, endpoint, actions, field) in [
        ("mainframe", "https://x.example", "a read", "kind"),
        ("crm", "", "a read", "endpoint"),
        ("crm", "https://x.example/a b", "a read", "endpoint"),
        ("crm", "https://x.example", "", "actions"),
        ("crm", "https://x.example", "a read\na write", "actions"),
        ("crm", "https://x.example", "a read dangerous", "actions"),
    ] {
        assert_invalid(
            register_external_system(
                ctx,
                &dana,
                &support,
                NewExternalSystem {
                    kind,
                    name: "Acme CRM",
                    endpoint,
                    actions,
                },
            )
            .await,
            field,
        );
    }
    let telepathy = envs(&["telepathy"]);
    assert_invalid(
        create_persona(
            ctx,
            &dana,
            &support,
            NewPersona {
                continuity: &telepathy,
                ..new_persona("Nova")
            },
        )
        .await,
        "continuity",
    );
    assert_invalid(
        create_app(
            ctx,
            &dana,
            &support,
            "New App",
            "workflow",
            &"d".repeat(2001),
        )
        .await,
        "description",
    );
    assert_unchanged(&app, &before).await;

    // The edges of the ranges are accepted.
    let id = set_grant(
        ctx,
        &dana,
        &milo,
        SetGrant {
            min_stage: "4",
            ..new_grant(agenda.as_str(), "", "write", &sandbox)
        },
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &id).await.min_stage, 4);
    for kind in [
        "product_ui",
        "workflow",
        "integration_surface",
        "embedded_experience",
    ] {
        create_app(ctx, &dana, &support, &format!("App {kind}"), kind, "")
            .await
            .unwrap();
    }
    // A space holds at most 20 environments (it has 3).
    for i in 0..17 {
        add_environment(ctx, &dana, &support, &format!("env{i}"))
            .await
            .unwrap();
    }
    assert_invalid(
        add_environment(ctx, &dana, &support, "one-too-many").await,
        "name",
    );
    assert_eq!(
        get_space(ctx, &dana, &support)
            .await
            .unwrap()
            .environments
            .len(),
        20
    );
}

// ---------------------------------------------------------------------------------------
// 3. Invariants
// ---------------------------------------------------------------------------------------

async fn another_tenants_spaces_and_personas_are_not_found(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let olly = actor(&app, OUTSIDER).await;
    let ctx = &app.ctx;
    let cora = persona_of(&demo, "Cora");
    let lab = space_of(&demo, "Contoso Sandbox");
    let contoso_chat = cap_id(&app, &lab, "chat").await;
    let sandbox = envs(&["sandbox"]);
    let before = snapshot(&app).await;

    assert_not_found(get_persona(ctx, &dana, &cora).await);
    let cora_row = persona_row(&app, &cora).await;
    let continuity = continuity_of(&cora_row);
    assert_not_found(
        update_persona(
            ctx,
            &dana,
            &cora,
            PersonaEdit {
                name: "Hijacked",
                ..edit_of(&cora_row, &continuity)
            },
        )
        .await,
    );
    assert_not_found(
        set_grant(
            ctx,
            &dana,
            &cora,
            new_grant(contoso_chat.as_str(), "", "write", &sandbox),
        )
        .await,
    );
    assert_not_found(get_space(ctx, &dana, &lab).await);
    assert_not_found(create_persona(ctx, &dana, &lab, new_persona("Mole")).await);
    assert_not_found(create_app(ctx, &dana, &lab, "Mole", "workflow", "").await);
    assert_not_found(add_environment(ctx, &dana, &lab, "qa").await);
    assert_not_found(enable_builtin(ctx, &dana, &lab, "agenda").await);
    assert_not_found(get_disable_impact(ctx, &dana, &lab, &contoso_chat).await);
    assert_not_found(disable_capability(ctx, &dana, &lab, &contoso_chat, 0).await);
    let olly_id = user_id(&app, OUTSIDER).await;
    assert_not_found(change_role(ctx, &dana, &olly_id, "viewer").await);
    assert_not_found(remove_member(ctx, &dana, &olly_id).await);
    // And the other way round.
    let ava = persona_of(&demo, "Ava");
    assert_not_found(get_persona(ctx, &olly, &ava).await);
    assert_not_found(get_space(ctx, &olly, &space_of(&demo, "Back Office")).await);
    assert_unchanged(&app, &before).await;

    // Lists never show the other tenant.
    let list = list_personas(
        ctx,
        &dana,
        &PersonaFilter {
            space: Some(lab.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(list.items.is_empty());
    assert_eq!(list.total, 0);
    let all = list_personas(ctx, &dana, &PersonaFilter::default())
        .await
        .unwrap();
    let names: Vec<&str> = all.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ava", "Milo", "Otto"]);
    let spaces = list_spaces(ctx, &olly).await.unwrap();
    assert_eq!(spaces.spaces.len(), 1);
    assert_eq!(spaces.spaces[0].name, "Contoso Sandbox");
    assert_eq!(spaces.spaces[0].persona_count, 1);
}

async fn grants_need_a_capability_enabled_in_the_personas_space(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let back_office = space_of(&demo, "Back Office");
    let milo = persona_of(&demo, "Milo");
    let sandbox = envs(&["sandbox"]);
    let erp = cap_id(&app, &back_office, "netsuite").await;
    let contoso_chat = cap_id(&app, &space_of(&demo, "Contoso Sandbox"), "chat").await;
    // The document library is enabled in Customer Support; disable it (no grants).
    let docs = cap_id(&app, &support, "document_library").await;
    disable_capability(ctx, &dana, &support, &docs, 0)
        .await
        .unwrap();
    let before = snapshot(&app).await;
    for (cap, action, why) in [
        (erp.as_str(), "read_invoice", "another space's system"),
        (contoso_chat.as_str(), "", "another tenant's surface"),
        (docs.as_str(), "read_document", "disabled"),
        (docs.as_str(), "", "disabled, whole capability"),
    ] {
        match set_grant(ctx, &dana, &milo, new_grant(cap, action, "read", &sandbox)).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "capability", "{why}"),
            other => panic!("{why}: {other:?}"),
        }
    }
    assert_unchanged(&app, &before).await;
    // Editing an existing grant of a capability disabled in between is refused too.
    let chat = cap_id(&app, &support, "chat").await;
    let existing = find_grant(&app, &milo, &chat, "")
        .await
        .expect("Milo's chat");
    // (disable through the database: the service would end the grant)
    let mut active: capability::ActiveModel = capability_row(&app, &support, "chat").await.into();
    active.enabled = sea_orm::Set(false);
    sea_orm::ActiveModelTrait::update(active, &ctx.db)
        .await
        .unwrap();
    let before_edit = snapshot(&app).await;
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &milo,
            SetGrant {
                version: Some(existing.version),
                ..new_grant(chat.as_str(), "", "read", &sandbox)
            },
        )
        .await,
        "capability",
    );
    assert_unchanged(&app, &before_edit).await;
}

async fn a_persona_never_changes_space(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let milo = persona_of(&demo, "Milo");
    let opal = user_id(&app, OPERATOR).await;
    let vic = user_id(&app, VIEWER).await;
    let before = persona_row(&app, &milo).await;
    let grants_before: Vec<grant::Model> = grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(milo.as_str()))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(before.space_id, support.as_str());

    // Every editable field changes; the space is not one of them.
    let continuity = envs(&["plans", "memory", "plans"]);
    update_persona(
        ctx,
        &dana,
        &milo,
        PersonaEdit {
            name: "Milo Returns",
            role_description: "Handles returns end to end.",
            owner: vic.as_str(),
            on_call: opal.as_str(),
            continuity: &continuity,
            version: before.version,
        },
    )
    .await
    .unwrap();
    let after = persona_row(&app, &milo).await;
    assert_eq!(after.space_id, before.space_id);
    assert_eq!(after.name, "Milo Returns");
    assert_eq!(after.role_description, "Handles returns end to end.");
    assert_eq!(after.owner_user_id.as_deref(), Some(vic.as_str()));
    assert_eq!(after.on_call_user_id.as_deref(), Some(opal.as_str()));
    assert_eq!(after.continuity, "memory,plans");
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.stage, before.stage, "the stage is not edited here");
    let grants_after: Vec<grant::Model> = grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(milo.as_str()))
        .all(&ctx.db)
        .await
        .unwrap();
    assert_eq!(grants_after, grants_before, "grants stay with the persona");

    let detail = get_persona(ctx, &dana, &milo).await.unwrap();
    assert_eq!(detail.space_id, support);
    assert_eq!(detail.space_name, "Customer Support");
    assert_eq!(detail.continuity, [Continuity::Memory, Continuity::Plans]);
    assert_eq!(detail.owner.map(|m| m.user_id), Some(vic));
    let space = get_space(ctx, &dana, &support).await.unwrap();
    assert!(space.personas.iter().any(|p| p.name == "Milo Returns"));
    let back_office = get_space(ctx, &dana, &space_of(&demo, "Back Office"))
        .await
        .unwrap();
    let names: Vec<&str> = back_office
        .personas
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["Otto"]);
    // An edit cannot drop the owner either.
    let continuity = continuity_of(&after);
    assert_invalid(
        update_persona(
            ctx,
            &dana,
            &milo,
            PersonaEdit {
                owner: "",
                ..edit_of(&after, &continuity)
            },
        )
        .await,
        "owner",
    );
}

async fn risky_actions_default_to_approval_and_only_admins_lower_them_with_a_reason(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let opal = actor(&app, OPERATOR).await;
    let ctx = &app.ctx;
    add_member(ctx, &dana, "ada@northwind.example", "Ada Admin", "admin")
        .await
        .unwrap();
    let ada = actor(&app, "ada@northwind.example").await;
    assert_eq!(role_of(&ada), Role::Admin);
    let support = space_of(&demo, "Customer Support");
    let back_office = space_of(&demo, "Back Office");
    let (ava, milo, otto) = (
        persona_of(&demo, "Ava"),
        persona_of(&demo, "Milo"),
        persona_of(&demo, "Otto"),
    );
    let orders = cap_id(&app, &support, "store-orders").await;
    let erp = cap_id(&app, &back_office, "netsuite").await;
    let production = envs(&["production"]);

    // The seed left Ava's refund grant at its default: approval.
    let seeded = find_grant(&app, &ava, &orders, "issue_refund")
        .await
        .expect("Ava's refund grant");
    assert_eq!(seeded.access, "approval");
    assert_eq!(seeded.reason, None);
    let view = get_persona(ctx, &dana, &ava).await.unwrap();
    let refund = view
        .grants
        .iter()
        .find(|g| g.action_name.as_deref() == Some("issue_refund"))
        .expect("in the view");
    assert_eq!(refund.access, Access::Approval);
    assert!(refund.risky);

    // A new risky grant defaults to approval; a whole-capability grant covering a risky
    // action does too; a plain action defaults to read.
    let g = set_grant(
        ctx,
        &opal,
        &milo,
        new_grant(orders.as_str(), "issue_refund", "", &production),
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &g).await.access, "approval");
    let whole = set_grant(
        ctx,
        &opal,
        &milo,
        new_grant(orders.as_str(), "", "", &production),
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &whole).await.access, "approval");
    let post = set_grant(
        ctx,
        &opal,
        &otto,
        new_grant(erp.as_str(), "post_journal", "", &production),
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &post).await.access, "approval");
    let kv = cap_id(&app, &back_office, "kv_datastore").await;
    let plain = find_grant(&app, &otto, &kv, "")
        .await
        .expect("Otto's kv grant");
    assert_eq!(plain.access, "write");

    let reason = "Refunds under 20 EUR were reviewed by finance.";
    let before = snapshot(&app).await;
    // An operator may not lower it, reason or not.
    for r in ["", reason] {
        assert_invalid(
            set_grant(
                ctx,
                &opal,
                &milo,
                SetGrant {
                    version: Some(1),
                    reason: r,
                    ..new_grant(orders.as_str(), "issue_refund", "write", &production)
                },
            )
            .await,
            "access",
        );
    }
    // Nor create it lowered.
    assert_invalid(
        set_grant(
            ctx,
            &opal,
            &ava,
            SetGrant {
                reason,
                ..new_grant(orders.as_str(), "", "write", &production)
            },
        )
        .await,
        "access",
    );
    // The owner needs a reason, of a sentence.
    for r in ["", "   ", "ok"] {
        assert_invalid(
            set_grant(
                ctx,
                &dana,
                &milo,
                SetGrant {
                    version: Some(1),
                    reason: r,
                    ..new_grant(orders.as_str(), "issue_refund", "write", &production)
                },
            )
            .await,
            "reason",
        );
    }
    assert_unchanged(&app, &before).await;

    let mut mark = AuditMark::new(&app, &demo.tenant_id).await;
    set_grant(
        ctx,
        &dana,
        &milo,
        SetGrant {
            version: Some(1),
            reason,
            ..new_grant(orders.as_str(), "issue_refund", "write", &production)
        },
    )
    .await
    .unwrap();
    let entry = mark.one(&app, "grant.updated", &dana).await;
    assert!(entry.diff.contains(reason), "the reason is on the record");
    let row = grant_row(&app, &g).await;
    assert_eq!(row.access, "write");
    assert_eq!(row.reason.as_deref(), Some(reason));
    assert_eq!(row.version, 2);
    let view = get_persona(ctx, &dana, &milo).await.unwrap();
    assert!(view.can_lower_risk);
    let lowered = view
        .grants
        .iter()
        .find(|gv| gv.id == g)
        .expect("in the view");
    assert_eq!(lowered.access, Access::Write);
    assert_eq!(lowered.reason.as_deref(), Some(reason));
    assert!(get_persona(ctx, &opal, &milo).await.unwrap().can_edit);
    assert!(!get_persona(ctx, &opal, &milo).await.unwrap().can_lower_risk);

    // An admin may too (privileged counts as risky).
    set_grant(
        ctx,
        &ada,
        &otto,
        SetGrant {
            version: Some(1),
            reason: "Journals are reconciled nightly by the controller.",
            ..new_grant(erp.as_str(), "post_journal", "write", &production)
        },
    )
    .await
    .unwrap();
    mark.one(&app, "grant.updated", &ada).await;
    assert_eq!(grant_row(&app, &post).await.access, "write");

    // A reason given for a grant that is not lowered is not kept.
    let g = set_grant(
        ctx,
        &dana,
        &ava,
        SetGrant {
            reason: "Not needed here at all.",
            ..new_grant(orders.as_str(), "lookup_order", "read", &production)
        },
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &g).await.reason, None);
    // Raising it back to approval drops the reason.
    let milo_refund = find_grant(&app, &milo, &orders, "issue_refund")
        .await
        .unwrap();
    set_grant(
        ctx,
        &opal,
        &milo,
        SetGrant {
            version: Some(milo_refund.version),
            ..new_grant(orders.as_str(), "issue_refund", "approval", &production)
        },
    )
    .await
    .unwrap();
    let row = find_grant(&app, &milo, &orders, "issue_refund")
        .await
        .unwrap();
    assert_eq!(row.access, "approval");
    assert_eq!(row.reason, None);
}

// ---------------------------------------------------------------------------------------
// 4. Concurrent edits
// ---------------------------------------------------------------------------------------

async fn a_stale_grant_edit_is_a_conflict(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let opal = actor(&app, OPERATOR).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let ava = persona_of(&demo, "Ava");
    let zendesk = cap_id(&app, &support, "zendesk").await;
    let opened = find_grant(&app, &ava, &zendesk, "create_ticket")
        .await
        .expect("Ava's create_ticket grant");
    assert_eq!(opened.version, 1);

    // Both opened version 1; Dana saves first.
    let first = envs(&["production"]);
    let second = envs(&["sandbox", "staging", "production"]);
    let id = set_grant(
        ctx,
        &dana,
        &ava,
        SetGrant {
            version: Some(opened.version),
            ..new_grant(zendesk.as_str(), "create_ticket", "write", &first)
        },
    )
    .await
    .unwrap();
    assert_eq!(id.as_str(), opened.id, "an edit keeps the grant's id");
    let saved = grant_row(&app, &id).await;
    assert_eq!(saved.version, 2);
    assert_eq!(saved.environments, r#"["production"]"#);

    let before = snapshot(&app).await;
    assert_conflict(
        set_grant(
            ctx,
            &opal,
            &ava,
            SetGrant {
                version: Some(opened.version),
                ..new_grant(zendesk.as_str(), "create_ticket", "denied", &second)
            },
        )
        .await,
    );
    // Removing with the stale version is refused as well.
    assert_conflict(remove_grant(ctx, &opal, &ava, &id, opened.version).await);
    // Creating a grant that exists already, or editing one that does not, conflicts.
    assert_conflict(
        set_grant(
            ctx,
            &opal,
            &ava,
            new_grant(zendesk.as_str(), "create_ticket", "write", &second),
        )
        .await,
    );
    assert_conflict(
        set_grant(
            ctx,
            &opal,
            &ava,
            SetGrant {
                version: Some(1),
                ..new_grant(zendesk.as_str(), "close_ticket", "approval", &second)
            },
        )
        .await,
    );
    assert_unchanged(&app, &before).await;

    // With the current version, it goes through.
    set_grant(
        ctx,
        &opal,
        &ava,
        SetGrant {
            version: Some(saved.version),
            ..new_grant(zendesk.as_str(), "create_ticket", "denied", &second)
        },
    )
    .await
    .unwrap();
    let row = grant_row(&app, &id).await;
    assert_eq!((row.access.as_str(), row.version), ("denied", 3));
    remove_grant(ctx, &opal, &ava, &id, 3).await.unwrap();
    assert!(
        find_grant(&app, &ava, &zendesk, "create_ticket")
            .await
            .is_none()
    );
}

async fn a_stale_persona_edit_is_a_conflict(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let opal = actor(&app, OPERATOR).await;
    let ctx = &app.ctx;
    let otto = persona_of(&demo, "Otto");
    let opened = persona_row(&app, &otto).await;
    let continuity = continuity_of(&opened);
    assert_eq!(opened.version, 1);

    update_persona(
        ctx,
        &dana,
        &otto,
        PersonaEdit {
            role_description: "Dana's description.",
            ..edit_of(&opened, &continuity)
        },
    )
    .await
    .unwrap();
    let before = snapshot(&app).await;
    assert_conflict(
        update_persona(
            ctx,
            &opal,
            &otto,
            PersonaEdit {
                role_description: "Opal's description.",
                ..edit_of(&opened, &continuity)
            },
        )
        .await,
    );
    assert_conflict(
        update_persona(
            ctx,
            &opal,
            &otto,
            PersonaEdit {
                version: 7,
                ..edit_of(&opened, &continuity)
            },
        )
        .await,
    );
    assert_unchanged(&app, &before).await;
    let row = persona_row(&app, &otto).await;
    assert_eq!(row.role_description, "Dana's description.");
    assert_eq!(row.version, 2);

    // Reloaded, Opal's edit applies.
    update_persona(
        ctx,
        &opal,
        &otto,
        PersonaEdit {
            role_description: "Opal's description.",
            ..edit_of(&row, &continuity)
        },
    )
    .await
    .unwrap();
    let row = persona_row(&app, &otto).await;
    assert_eq!(row.role_description, "Opal's description.");
    assert_eq!(row.version, 3);
}

async fn racing_edits_let_exactly_one_win(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let opal = actor(&app, OPERATOR).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let milo = persona_of(&demo, "Milo");
    let chat = cap_id(&app, &support, "chat").await;
    let opened = find_grant(&app, &milo, &chat, "")
        .await
        .expect("Milo's chat");
    let audit_before = audit_len(&app, &demo.tenant_id).await;

    let (a, b) = (envs(&["staging"]), envs(&["production"]));
    let (ra, rb) = tokio::join!(
        set_grant(
            ctx,
            &dana,
            &milo,
            SetGrant {
                version: Some(opened.version),
                ..new_grant(chat.as_str(), "", "write", &a)
            },
        ),
        set_grant(
            ctx,
            &opal,
            &milo,
            SetGrant {
                version: Some(opened.version),
                ..new_grant(chat.as_str(), "", "read", &b)
            },
        ),
    );
    let (won, lost) = match (&ra, &rb) {
        (Ok(_), Err(_)) => (("write", r#"["staging"]"#), rb),
        (Err(_), Ok(_)) => (("read", r#"["production"]"#), ra),
        other => panic!("exactly one edit must win: {other:?}"),
    };
    assert_conflict(lost);
    let row = grant_row(&app, &GrantId::from_db(opened.id.clone())).await;
    assert_eq!((row.access.as_str(), row.environments.as_str()), won);
    assert_eq!(row.version, opened.version + 1);
    assert_eq!(audit_len(&app, &demo.tenant_id).await, audit_before + 1);

    // The same for a persona.
    let opened = persona_row(&app, &milo).await;
    let continuity = continuity_of(&opened);
    let (ra, rb) = tokio::join!(
        update_persona(
            ctx,
            &dana,
            &milo,
            PersonaEdit {
                role_description: "From Dana.",
                ..edit_of(&opened, &continuity)
            },
        ),
        update_persona(
            ctx,
            &opal,
            &milo,
            PersonaEdit {
                role_description: "From Opal.",
                ..edit_of(&opened, &continuity)
            },
        ),
    );
    let (won, lost) = match (&ra, &rb) {
        (Ok(()), Err(_)) => ("From Dana.", rb),
        (Err(_), Ok(())) => ("From Opal.", ra),
        other => panic!("exactly one edit must win: {other:?}"),
    };
    assert_conflict(lost);
    let row = persona_row(&app, &milo).await;
    assert_eq!(row.role_description, won);
    assert_eq!(row.version, opened.version + 1);
    assert_eq!(audit_len(&app, &demo.tenant_id).await, audit_before + 2);
}

// ---------------------------------------------------------------------------------------
// 5. Disabling a capability
// ---------------------------------------------------------------------------------------

async fn disabling_a_capability_ends_its_grants_in_one_step(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let opal = actor(&app, OPERATOR).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let (ava, milo) = (persona_of(&demo, "Ava"), persona_of(&demo, "Milo"));
    let orders = cap_id(&app, &support, "store-orders").await;

    let impact = get_disable_impact(ctx, &opal, &support, &orders)
        .await
        .unwrap();
    assert_eq!(impact.capability_name, "Store Orders");
    let mut seen: Vec<(String, Option<String>, Access)> = impact
        .grants
        .iter()
        .map(|g| (g.persona_name.clone(), g.action_name.clone(), g.access))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("Ava".into(), Some("issue_refund".into()), Access::Approval),
            ("Milo".into(), Some("lookup_order".into()), Access::Read),
        ]
    );

    // Someone added a grant since the confirmation was shown: look again.
    let sandbox = envs(&["sandbox"]);
    set_grant(
        ctx,
        &dana,
        &ava,
        new_grant(orders.as_str(), "lookup_order", "read", &sandbox),
    )
    .await
    .unwrap();
    let before = snapshot(&app).await;
    for stale in [0, 2, 4] {
        assert_conflict(disable_capability(ctx, &opal, &support, &orders, stale).await);
    }
    assert_unchanged(&app, &before).await;
    assert_eq!(grants_of_capability(&app, &orders).await.len(), 3);

    let mut mark = AuditMark::new(&app, &demo.tenant_id).await;
    let ended = disable_capability(ctx, &opal, &support, &orders, 3)
        .await
        .unwrap();
    assert_eq!(ended, 3);
    let entry = mark.one(&app, "capability.disabled", &opal).await;
    assert_eq!(entry.entity_id, orders.as_str());
    for name in [
        "Ava",
        "Milo",
        "issue_refund",
        "lookup_order",
        "ended_grants",
    ] {
        assert!(entry.diff.contains(name), "{name} in {}", entry.diff);
    }
    assert!(grants_of_capability(&app, &orders).await.is_empty());
    assert!(!capability_row(&app, &support, "store-orders").await.enabled);
    // Other grants of the same personas are untouched.
    let chat = cap_id(&app, &support, "chat").await;
    assert!(find_grant(&app, &ava, &chat, "").await.is_some());
    assert!(find_grant(&app, &milo, &chat, "").await.is_some());
    let view = get_persona(ctx, &dana, &ava).await.unwrap();
    assert!(
        view.grants
            .iter()
            .all(|g| g.capability_key != "store-orders")
    );
    assert!(view.capabilities.iter().all(|c| c.key != "store-orders"));
    let list = list_spaces(ctx, &dana).await.unwrap();
    let counted = list.spaces.iter().find(|s| s.id == support).unwrap();
    assert_eq!(
        counted.capability_count, 5,
        "6 enabled before, one disabled"
    );

    // Disabled twice is a conflict; granting it is refused; re-enabling brings it back
    // without the ended grants.
    assert_conflict(disable_capability(ctx, &opal, &support, &orders, 0).await);
    assert_invalid(
        set_grant(
            ctx,
            &dana,
            &ava,
            new_grant(orders.as_str(), "lookup_order", "read", &sandbox),
        )
        .await,
        "capability",
    );
    mark.none(&app, "refused").await;
    // External systems come back by registering; built-ins by enabling. Chat has grants.
    let impact = get_disable_impact(ctx, &opal, &support, &chat)
        .await
        .unwrap();
    assert_eq!(impact.grants.len(), 2);
    disable_capability(ctx, &opal, &support, &chat, 2)
        .await
        .unwrap();
    mark.one(&app, "capability.disabled", &opal).await;
    let again = enable_builtin(ctx, &opal, &support, "chat").await.unwrap();
    mark.one(&app, "capability.enabled", &opal).await;
    assert_eq!(again, chat, "the same capability, enabled again");
    assert!(capability_row(&app, &support, "chat").await.enabled);
    assert!(grants_of_capability(&app, &chat).await.is_empty());
    assert_conflict(enable_builtin(ctx, &opal, &support, "chat").await);
    set_grant(
        ctx,
        &opal,
        &milo,
        new_grant(chat.as_str(), "", "write", &sandbox),
    )
    .await
    .unwrap();
    mark.one(&app, "grant.created", &opal).await;
}

// ---------------------------------------------------------------------------------------
// 6. Roles
// ---------------------------------------------------------------------------------------

async fn viewers_reviewers_and_evaluators_change_nothing(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    add_member(
        ctx,
        &dana,
        "rita@northwind.example",
        "Rita Reviewer",
        "reviewer",
    )
    .await
    .unwrap();
    add_member(
        ctx,
        &dana,
        "eve@northwind.example",
        "Eve Evaluator",
        "evaluator",
    )
    .await
    .unwrap();
    let support = space_of(&demo, "Customer Support");
    let ava = persona_of(&demo, "Ava");
    let chat = cap_id(&app, &support, "chat").await;
    let ava_chat = find_grant(&app, &ava, &chat, "").await.unwrap();
    let ava_row = persona_row(&app, &ava).await;
    let continuity = continuity_of(&ava_row);
    let sandbox = envs(&["sandbox"]);
    let opal = user_id(&app, OPERATOR).await;
    let before = snapshot(&app).await;

    for email in [VIEWER, "rita@northwind.example", "eve@northwind.example"] {
        let who = actor(&app, email).await;
        assert!(matches!(
            role_of(&who),
            Role::Viewer | Role::Reviewer | Role::Evaluator
        ));
        assert_forbidden(create_space(ctx, &who, "Mine", "").await);
        assert_forbidden(add_environment(ctx, &who, &support, "qa").await);
        assert_forbidden(create_app(ctx, &who, &support, "Mine", "workflow", "").await);
        assert_forbidden(enable_builtin(ctx, &who, &support, "whiteboard").await);
        assert_forbidden(
            register_external_system(
                ctx,
                &who,
                &support,
                NewExternalSystem {
                    kind: "crm",
                    name: "Acme CRM",
                    endpoint: "https://crm.example",
                    actions: "lookup read",
                },
            )
            .await,
        );
        assert_forbidden(get_disable_impact(ctx, &who, &support, &chat).await);
        assert_forbidden(disable_capability(ctx, &who, &support, &chat, 2).await);
        assert_forbidden(create_persona(ctx, &who, &support, new_persona("Mine")).await);
        assert_forbidden(
            update_persona(
                ctx,
                &who,
                &ava,
                PersonaEdit {
                    name: "Mine",
                    ..edit_of(&ava_row, &continuity)
                },
            )
            .await,
        );
        assert_forbidden(
            set_grant(
                ctx,
                &who,
                &ava,
                SetGrant {
                    version: Some(ava_chat.version),
                    ..new_grant(chat.as_str(), "", "read", &sandbox)
                },
            )
            .await,
        );
        assert_forbidden(
            remove_grant(
                ctx,
                &who,
                &ava,
                &GrantId::from_db(ava_chat.id.clone()),
                ava_chat.version,
            )
            .await,
        );
        assert_forbidden(add_member(ctx, &who, "x@northwind.example", "X", "viewer").await);
        assert_forbidden(change_role(ctx, &who, &opal, "viewer").await);
        assert_forbidden(remove_member(ctx, &who, &opal).await);
        assert_forbidden(set_user_disabled(ctx, &who, &opal, true).await);
        assert_forbidden(create_team(ctx, &who, "Mine", "viewer").await);

        // They still see everything, and are told they cannot edit.
        let space = get_space(ctx, &who, &support).await.unwrap();
        assert!(!space.can_edit);
        let persona = get_persona(ctx, &who, &ava).await.unwrap();
        assert!(!persona.can_edit && !persona.can_lower_risk);
        assert_eq!(persona.name, "Ava");
        let spaces = list_spaces(ctx, &who).await.unwrap();
        assert!(!spaces.can_create);
        assert_eq!(spaces.spaces.len(), 2);
        let members = list_members(ctx, &who).await.unwrap();
        assert!(!members.can_manage && !members.can_manage_owners);
    }
    assert_unchanged(&app, &before).await;
}

async fn operators_edit_spaces_but_cannot_lower_risk_or_manage_members(app: TestApp) {
    let demo = app.demo().await;
    let opal = actor(&app, OPERATOR).await;
    assert_eq!(role_of(&opal), Role::Operator);
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let milo = persona_of(&demo, "Milo");
    let sandbox = envs(&["sandbox"]);
    let vic = user_id(&app, VIEWER).await;

    let space = create_space(ctx, &opal, "Opal's Lab", "").await.unwrap();
    add_environment(ctx, &opal, &space, "qa").await.unwrap();
    create_app(ctx, &opal, &space, "Lab App", "integration_surface", "")
        .await
        .unwrap();
    let billing = enable_builtin(ctx, &opal, &space, "customer_billing")
        .await
        .unwrap();
    let bot = create_persona(ctx, &opal, &space, new_persona("Lab Bot"))
        .await
        .unwrap();
    assert_eq!(
        persona_row(&app, &bot).await.owner_user_id.as_deref(),
        Some(user_id(&app, OPERATOR).await.as_str()),
        "the creator owns a new persona"
    );
    set_grant(
        ctx,
        &opal,
        &bot,
        new_grant(billing.as_str(), "read_account", "read", &sandbox),
    )
    .await
    .unwrap();
    let topup = set_grant(
        ctx,
        &opal,
        &bot,
        new_grant(billing.as_str(), "top_up", "", &sandbox),
    )
    .await
    .unwrap();
    assert_eq!(grant_row(&app, &topup).await.access, "approval");
    let row = persona_row(&app, &milo).await;
    let continuity = envs(&["memory", "follow_ups"]);
    update_persona(ctx, &opal, &milo, edit_of(&row, &continuity))
        .await
        .unwrap();
    assert_eq!(
        persona_row(&app, &milo).await.continuity,
        "memory,follow_ups"
    );

    let before = snapshot(&app).await;
    assert_invalid(
        set_grant(
            ctx,
            &opal,
            &bot,
            SetGrant {
                version: Some(1),
                reason: "Top-ups are capped at 10 EUR by the billing system.",
                ..new_grant(billing.as_str(), "top_up", "write", &sandbox)
            },
        )
        .await,
        "access",
    );
    assert_forbidden(add_member(ctx, &opal, "x@northwind.example", "X", "viewer").await);
    assert_forbidden(change_role(ctx, &opal, &vic, "operator").await);
    assert_forbidden(remove_member(ctx, &opal, &vic).await);
    assert_forbidden(set_user_disabled(ctx, &opal, &vic, true).await);
    assert_forbidden(create_team(ctx, &opal, "Ops", "operator").await);
    assert_unchanged(&app, &before).await;
    let view = get_space(ctx, &opal, &support).await.unwrap();
    assert!(view.can_edit);
    assert_eq!(view.your_role, Role::Operator);
}

async fn only_owners_make_or_change_owners(app: TestApp) {
    let demo = app.demo().await;
    let t = &demo.tenant_id;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    add_member(ctx, &dana, "ada@northwind.example", "Ada Admin", "admin")
        .await
        .unwrap();
    let ada = actor(&app, "ada@northwind.example").await;
    let (dana_id, opal_id) = (user_id(&app, OWNER).await, user_id(&app, OPERATOR).await);
    let before = snapshot(&app).await;

    assert_forbidden(add_member(ctx, &ada, "o@northwind.example", "O", "owner").await);
    assert_forbidden(change_role(ctx, &ada, &opal_id, "owner").await);
    assert_forbidden(change_role(ctx, &ada, &dana_id, "admin").await);
    assert_forbidden(remove_member(ctx, &ada, &dana_id).await);
    assert_forbidden(set_user_disabled(ctx, &ada, &dana_id, true).await);
    assert_unchanged(&app, &before).await;
    let members = list_members(ctx, &ada).await.unwrap();
    assert!(members.can_manage);
    assert!(!members.can_manage_owners);

    // An admin manages everyone else.
    let mut mark = AuditMark::new(&app, t).await;
    change_role(ctx, &ada, &opal_id, "reviewer").await.unwrap();
    mark.one(&app, "member.role_changed", &ada).await;
    assert_eq!(
        member_role(&app, t, &opal_id).await.as_deref(),
        Some("reviewer")
    );
    add_member(ctx, &ada, "val@northwind.example", "Val", "viewer")
        .await
        .unwrap();
    mark.one(&app, "member.added", &ada).await;

    // The owner makes owners.
    change_role(ctx, &dana, &opal_id, "owner").await.unwrap();
    mark.one(&app, "member.role_changed", &dana).await;
    add_member(ctx, &dana, "otis@northwind.example", "Otis Owner", "owner")
        .await
        .unwrap();
    mark.one(&app, "member.added", &dana).await;
    let members = list_members(ctx, &dana).await.unwrap();
    let mut owners: Vec<&str> = members
        .members
        .iter()
        .filter(|m| m.role == Role::Owner)
        .map(|m| m.display_name.as_str())
        .collect();
    owners.sort();
    assert_eq!(owners, ["Dana Demo", "Opal Operator", "Otis Owner"]);
    assert!(members.can_manage_owners);
    // And the admin still cannot touch them.
    assert_forbidden(change_role(ctx, &ada, &opal_id, "viewer").await);
    mark.none(&app, "refused").await;
}

async fn the_last_owner_cannot_be_demoted_or_removed(app: TestApp) {
    let demo = app.demo().await;
    let t = &demo.tenant_id;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let (dana_id, opal_id) = (user_id(&app, OWNER).await, user_id(&app, OPERATOR).await);
    let before = snapshot(&app).await;

    for role in ["admin", "operator", "viewer"] {
        assert_conflict(change_role(ctx, &dana, &dana_id, role).await);
    }
    assert_conflict(remove_member(ctx, &dana, &dana_id).await);
    assert_conflict(set_user_disabled(ctx, &dana, &dana_id, true).await);
    assert_unchanged(&app, &before).await;

    // With a second owner, the first may step down; then the second is the last.
    change_role(ctx, &dana, &opal_id, "owner").await.unwrap();
    let opal = actor(&app, OPERATOR).await;
    assert_eq!(role_of(&opal), Role::Owner);
    change_role(ctx, &dana, &dana_id, "admin").await.unwrap();
    assert_eq!(
        member_role(&app, t, &dana_id).await.as_deref(),
        Some("admin")
    );
    let before = snapshot(&app).await;
    assert_conflict(change_role(ctx, &opal, &opal_id, "admin").await);
    assert_conflict(remove_member(ctx, &opal, &opal_id).await);
    assert_unchanged(&app, &before).await;
    // The demoted Dana acts as an admin now (a fresh session loads the new role).
    let dana = actor(&app, OWNER).await;
    assert_eq!(role_of(&dana), Role::Admin);
    assert_forbidden(remove_member(ctx, &dana, &opal_id).await);
    assert_eq!(
        member_role(&app, t, &opal_id).await.as_deref(),
        Some("owner")
    );
}

/// An owner who is disabled cannot sign in or act: they must not count as the owner that
/// keeps the tenant manageable, or the last active owner can step down and leave only a
/// disabled one (whom no admin may re-enable: that touches an owner).
async fn a_disabled_owner_does_not_keep_the_tenant_owned(app: TestApp) {
    let demo = app.demo().await;
    let t = &demo.tenant_id;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let (dana_id, opal_id) = (user_id(&app, OWNER).await, user_id(&app, OPERATOR).await);
    change_role(ctx, &dana, &opal_id, "owner").await.unwrap();
    set_user_disabled(ctx, &dana, &opal_id, true).await.unwrap();
    assert!(user_row(&app, OPERATOR).await.disabled);

    let before = snapshot(&app).await;
    assert_conflict(change_role(ctx, &dana, &dana_id, "admin").await);
    assert_conflict(remove_member(ctx, &dana, &dana_id).await);
    assert_unchanged(&app, &before).await;
    assert_eq!(
        member_role(&app, t, &dana_id).await.as_deref(),
        Some("owner")
    );
}

// ---------------------------------------------------------------------------------------
// 7. Teams
// ---------------------------------------------------------------------------------------

async fn a_team_confines_a_member_to_its_spaces_at_its_role(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let support = space_of(&demo, "Customer Support");
    let back_office = space_of(&demo, "Back Office");
    let vic_id = user_id(&app, VIEWER).await;
    let crew = create_team(ctx, &dana, "Support crew", "operator")
        .await
        .unwrap();
    set_team_space(ctx, &dana, &crew, &support, true)
        .await
        .unwrap();
    set_team_member(ctx, &dana, &crew, &vic_id, true)
        .await
        .unwrap();
    let members = list_members(ctx, &dana).await.unwrap();
    let team = members.teams.iter().find(|tv| tv.id == crew).unwrap();
    assert_eq!(team.role, Role::Operator);
    assert_eq!(
        team.spaces,
        [(support.clone(), "Customer Support".to_string())]
    );
    assert_eq!(team.members, [(vic_id.clone(), "Vic Viewer".to_string())]);

    let vic = actor(&app, VIEWER).await;
    assert_eq!(role_of(&vic), Role::Viewer, "the tenant role is unchanged");
    // The team's space, at the team's role: Vic edits it.
    let spaces = list_spaces(ctx, &vic).await.unwrap();
    assert_eq!(spaces.spaces.len(), 1);
    assert_eq!(spaces.spaces[0].id, support);
    assert_eq!(spaces.spaces[0].your_role, Role::Operator);
    assert!(
        !spaces.can_create,
        "creating a space reaches beyond the team"
    );
    let view = get_space(ctx, &vic, &support).await.unwrap();
    assert!(view.can_edit);
    let nova = create_persona(ctx, &vic, &support, new_persona("Nova"))
        .await
        .unwrap();
    let chat = cap_id(&app, &support, "chat").await;
    let sandbox = envs(&["sandbox"]);
    set_grant(
        ctx,
        &vic,
        &nova,
        new_grant(chat.as_str(), "", "write", &sandbox),
    )
    .await
    .unwrap();
    // ... but never lowers a risky action (the team role is operator).
    let orders = cap_id(&app, &support, "store-orders").await;
    assert_invalid(
        set_grant(
            ctx,
            &vic,
            &nova,
            SetGrant {
                reason: "Because the team says so, honestly.",
                ..new_grant(orders.as_str(), "issue_refund", "write", &sandbox)
            },
        )
        .await,
        "access",
    );

    // Any other space does not exist for Vic.
    let otto = persona_of(&demo, "Otto");
    assert_not_found(get_space(ctx, &vic, &back_office).await);
    assert_not_found(create_persona(ctx, &vic, &back_office, new_persona("Nova")).await);
    assert_not_found(get_persona(ctx, &vic, &otto).await);
    assert_not_found(add_environment(ctx, &vic, &back_office, "qa").await);
    let list = list_personas(ctx, &vic, &PersonaFilter::default())
        .await
        .unwrap();
    let names: Vec<&str> = list.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ava", "Milo", "Nova"]);
    assert_eq!(
        list.spaces,
        [(support.clone(), "Customer Support".to_string())]
    );
    let filtered = list_personas(
        ctx,
        &vic,
        &PersonaFilter {
            space: Some(back_office.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(filtered.total, 0);
    assert!(filtered.items.is_empty());
    // Tenant-wide views and changes reach beyond the team.
    assert_forbidden(create_space(ctx, &vic, "Vic's", "").await);
    assert_forbidden(list_members(ctx, &vic).await);

    // Out of the team, Vic is a viewer of every space again.
    set_team_member(ctx, &dana, &crew, &vic_id, false)
        .await
        .unwrap();
    let vic = actor(&app, VIEWER).await;
    let spaces = list_spaces(ctx, &vic).await.unwrap();
    assert_eq!(spaces.spaces.len(), 2);
    assert!(spaces.spaces.iter().all(|s| s.your_role == Role::Viewer));
    assert_forbidden(create_persona(ctx, &vic, &support, new_persona("Nova 2")).await);
    assert_eq!(
        get_space(ctx, &vic, &back_office).await.unwrap().name,
        "Back Office"
    );

    // A team cannot reach another tenant's space, nor take another tenant's member.
    let lab = space_of(&demo, "Contoso Sandbox");
    assert_invalid(set_team_space(ctx, &dana, &crew, &lab, true).await, "space");
    let olly = user_id(&app, OUTSIDER).await;
    assert_invalid(
        set_team_member(ctx, &dana, &crew, &olly, true).await,
        "user",
    );
}

// ---------------------------------------------------------------------------------------
// 8. Members and sessions
// ---------------------------------------------------------------------------------------

async fn removing_a_member_ends_their_sessions(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let opal_cookie = app
        .sign_in(&demo.operator.email, &demo.operator.password)
        .await;
    let dana_cookie = app.sign_in(&demo.login.email, &demo.login.password).await;
    let (opal_id, dana_id) = (user_id(&app, OPERATOR).await, user_id(&app, OWNER).await);
    assert_eq!(sessions_of(&app, &opal_id).await, 1);
    assert_eq!(sessions_of(&app, &dana_id).await, 1);
    assert_eq!(app.get("/", Some(&opal_cookie)).await.status, 200);
    // Opal is also in a team: leaving the tenant leaves it too.
    let crew = create_team(ctx, &dana, "Crew", "operator").await.unwrap();
    set_team_member(ctx, &dana, &crew, &opal_id, true)
        .await
        .unwrap();

    remove_member(ctx, &dana, &opal_id).await.unwrap();
    assert_eq!(sessions_of(&app, &opal_id).await, 0, "Opal is signed out");
    assert_eq!(sessions_of(&app, &dana_id).await, 1, "Dana is not");
    assert_eq!(member_role(&app, &demo.tenant_id, &opal_id).await, None);
    let left = team_member::Entity::find()
        .filter(team_member::Column::UserId.eq(opal_id.as_str()))
        .count(&ctx.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let reply = app.get("/", Some(&opal_cookie)).await;
    assert_eq!(reply.status, 303);
    assert!(
        reply.location().starts_with("/login"),
        "{}",
        reply.location()
    );
    assert_eq!(app.get("/", Some(&dana_cookie)).await.status, 200);
    // The account stays, but it reaches no tenant.
    let again = app
        .post_login(&demo.operator.email, &demo.operator.password, None)
        .await;
    assert_eq!(again.status, 303);
    assert!(
        again.location().starts_with("/login?error="),
        "{}",
        again.location()
    );
    assert!(again.session_cookie().is_none());
    assert!(
        list_members(ctx, &dana)
            .await
            .unwrap()
            .members
            .iter()
            .all(|m| m.user_id != opal_id)
    );
}

async fn disabling_a_user_ends_their_sessions_and_sign_ins(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let vic_cookie = app.sign_in(&demo.viewer.email, &demo.viewer.password).await;
    let vic_id = user_id(&app, VIEWER).await;
    assert_eq!(sessions_of(&app, &vic_id).await, 1);

    set_user_disabled(ctx, &dana, &vic_id, true).await.unwrap();
    assert!(user_row(&app, VIEWER).await.disabled);
    assert_eq!(sessions_of(&app, &vic_id).await, 0);
    assert_eq!(app.get("/", Some(&vic_cookie)).await.status, 303);
    let refused = app
        .post_login(&demo.viewer.email, &demo.viewer.password, None)
        .await;
    assert_eq!(refused.status, 303);
    assert_eq!(refused.location(), "/login?error=invalid_credentials");
    assert!(refused.session_cookie().is_none());
    let members = list_members(ctx, &dana).await.unwrap();
    let vic = members
        .members
        .iter()
        .find(|m| m.user_id == vic_id)
        .unwrap();
    assert!(vic.disabled);
    assert_eq!(vic.role, Role::Viewer, "still a member");

    // Enabled again, Vic signs in.
    set_user_disabled(ctx, &dana, &vic_id, false).await.unwrap();
    let cookie = app.sign_in(&demo.viewer.email, &demo.viewer.password).await;
    assert_eq!(app.get("/", Some(&cookie)).await.status, 200);
    assert_eq!(sessions_of(&app, &vic_id).await, 1);

    // Someone who also belongs to another tenant is removed, not disabled.
    let added = add_member(ctx, &dana, OUTSIDER, "Olly", "viewer")
        .await
        .unwrap();
    assert_eq!(
        added.temporary_password, None,
        "an existing account keeps its password"
    );
    let olly_id = user_id(&app, OUTSIDER).await;
    let before = snapshot(&app).await;
    assert_conflict(set_user_disabled(ctx, &dana, &olly_id, true).await);
    assert_unchanged(&app, &before).await;
    // Olly can act in both tenants, each with its own role.
    let in_northwind = actor_in(&app, OUTSIDER, &demo.tenant_id).await;
    let in_contoso = actor_in(&app, OUTSIDER, &demo.other_tenant.tenant_id).await;
    assert_eq!(role_of(&in_northwind), Role::Viewer);
    assert_eq!(role_of(&in_contoso), Role::Owner);
    assert_forbidden(create_space(ctx, &in_northwind, "Olly's", "").await);
}

// ---------------------------------------------------------------------------------------
// 9. The persona list
// ---------------------------------------------------------------------------------------

fn names(view: &PersonaListView) -> Vec<&str> {
    view.items.iter().map(|p| p.name.as_str()).collect()
}

async fn list_with(app: &TestApp, actor: &Actor, filter: PersonaFilter) -> PersonaListView {
    list_personas(&app.ctx, actor, &filter).await.unwrap()
}

async fn the_persona_list_filters_by_space_stage_and_name(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let back_office = space_of(&demo, "Back Office");
    let support = space_of(&demo, "Customer Support");
    for name in ["100% Bot", "100 Bots", "Ops_Bot", "OpsXBot"] {
        create_persona(ctx, &dana, &back_office, new_persona(name))
            .await
            .unwrap();
    }
    let list = |filter: PersonaFilter| list_with(&app, &dana, filter);
    let q = |q: &str| PersonaFilter {
        q: Some(q.into()),
        ..Default::default()
    };

    let all = list(PersonaFilter::default()).await;
    assert_eq!(all.total, 7);
    assert_eq!(all.next_cursor, None);
    assert_eq!(
        all.spaces,
        [
            (back_office.clone(), "Back Office".to_string()),
            (support.clone(), "Customer Support".to_string())
        ]
    );
    let ava = all.items.iter().find(|p| p.name == "Ava").unwrap();
    assert_eq!(ava.space_name, "Customer Support");
    assert_eq!(ava.stage, 2);

    let in_support = list(PersonaFilter {
        space: Some(support.to_string()),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&in_support), ["Ava", "Milo"]);
    assert_eq!(in_support.total, 2);
    assert!(in_support.items.iter().all(|p| p.space_id == support));

    let stage2 = list(PersonaFilter {
        stage: Some(2),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&stage2), ["Ava"]);
    let stage1_support = list(PersonaFilter {
        stage: Some(1),
        space: Some(support.to_string()),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&stage1_support), ["Milo"]);
    assert_eq!(
        list(PersonaFilter {
            stage: Some(3),
            ..Default::default()
        })
        .await
        .total,
        0
    );
    // A stage out of range filters nothing out.
    assert_eq!(
        list(PersonaFilter {
            stage: Some(9),
            ..Default::default()
        })
        .await
        .total,
        7
    );

    for (query, want) in [
        ("av", vec!["Ava"]),
        ("AVA", vec!["Ava"]),
        ("  mIl ", vec!["Milo"]),
        (
            "t",
            vec!["100% Bot", "100 Bots", "Ops_Bot", "OpsXBot", "Otto"],
        ),
        // `%` and `_` are literal characters, not wildcards.
        ("%", vec!["100% Bot"]),
        ("0% b", vec!["100% Bot"]),
        ("s_b", vec!["Ops_Bot"]),
        ("_", vec!["Ops_Bot"]),
        ("\\", vec![]),
        ("nobody", vec![]),
    ] {
        let found = list(q(query)).await;
        let mut got = names(&found);
        got.sort_unstable();
        let mut want = want;
        want.sort_unstable();
        assert_eq!(got, want, "q = {query:?}");
        assert_eq!(found.total as usize, want.len(), "q = {query:?}");
    }
    // Filters combine.
    let combined = list(PersonaFilter {
        space: Some(support.to_string()),
        q: Some("o".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&combined), ["Milo"]);
}

async fn the_persona_list_pages_with_a_cursor(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let ctx = &app.ctx;
    let bulk = create_space(ctx, &dana, "Bulk", "").await.unwrap();
    let mut created = HashSet::new();
    for i in 0..55 {
        let id = create_persona(ctx, &dana, &bulk, new_persona(&format!("P{i:02}")))
            .await
            .unwrap();
        created.insert(id);
    }
    // Two personas share a name across spaces, right at the first page's end.
    let twin_space = create_space(ctx, &dana, "Twins", "").await.unwrap();
    let twin = create_persona(ctx, &dana, &twin_space, new_persona("P46"))
        .await
        .unwrap();

    // One space: 50 then 5.
    let in_bulk = |cursor: Option<String>| PersonaFilter {
        space: Some(bulk.to_string()),
        cursor,
        ..Default::default()
    };
    let first = list_personas(ctx, &dana, &in_bulk(None)).await.unwrap();
    assert_eq!(first.items.len(), 50);
    assert_eq!(first.total, 55);
    let cursor = first.next_cursor.clone().expect("a next page");
    let second = list_personas(ctx, &dana, &in_bulk(Some(cursor)))
        .await
        .unwrap();
    assert_eq!(second.items.len(), 5);
    assert_eq!(second.total, 55);
    assert_eq!(second.next_cursor, None);
    let mut seen: Vec<PersonaId> = Vec::new();
    for item in first.items.iter().chain(&second.items) {
        seen.push(item.id.clone());
    }
    let unique: HashSet<PersonaId> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), 55, "no persona on two pages");
    assert_eq!(unique, created, "every persona on some page");
    let page_names: Vec<String> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|p| p.name.clone())
        .collect();
    let expected: Vec<String> = (0..55).map(|i| format!("P{i:02}")).collect();
    assert_eq!(page_names, expected, "in name order across pages");

    // Every space: Ava, Milo, Otto, P00..P46 and its twin, ... — the twins straddle the
    // page boundary and neither is lost nor repeated.
    let mut all: Vec<(String, PersonaId)> = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = list_personas(
            ctx,
            &dana,
            &PersonaFilter {
                cursor: cursor.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.total, 59);
        pages += 1;
        all.extend(page.items.iter().map(|p| (p.name.clone(), p.id.clone())));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages < 5, "paging must end");
    }
    assert_eq!(pages, 2);
    assert_eq!(all.len(), 59);
    let ids: HashSet<&PersonaId> = all.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), 59);
    assert!(ids.contains(&twin));
    let p46: Vec<&(String, PersonaId)> = all.iter().filter(|(n, _)| n == "P46").collect();
    assert_eq!(p46.len(), 2);
    let at = all.iter().position(|(n, _)| n == "P46").unwrap();
    assert_eq!(at, 49, "the first twin ends page one");
    for demo_persona in &demo.personas {
        assert!(ids.contains(&demo_persona.id));
    }
    // A malformed or unknown cursor starts from the beginning.
    for junk in ["nonsense", &PersonaId::new().to_string()] {
        let page = list_personas(
            ctx,
            &dana,
            &PersonaFilter {
                cursor: Some(junk.to_string()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.items[0].name, "Ava", "cursor {junk:?}");
    }
}

/// A cursor is a persona id; one the viewer does not reach must not position the page
/// (else the page would tell where another tenant's persona sorts).
async fn a_cursor_from_another_tenant_reveals_nothing(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let cora = persona_of(&demo, "Cora");
    let page = list_personas(
        &app.ctx,
        &dana,
        &PersonaFilter {
            cursor: Some(cora.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Like any cursor outside the viewer's reach: the list from the start.
    assert_eq!(names(&page), ["Ava", "Milo", "Otto"]);
}

/// The query is lower-cased in Rust (Unicode) and the name in SQL: both must fold alike.
async fn name_search_folds_case_beyond_ascii(app: TestApp) {
    let demo = app.demo().await;
    let dana = actor(&app, OWNER).await;
    let support = space_of(&demo, "Customer Support");
    create_persona(&app.ctx, &dana, &support, new_persona("Élodie"))
        .await
        .unwrap();
    for query in ["Élodie", "élodie", "ÉLODIE"] {
        let found = list_personas(
            &app.ctx,
            &dana,
            &PersonaFilter {
                q: Some(query.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(names(&found), ["Élodie"], "q = {query:?}");
    }
}
