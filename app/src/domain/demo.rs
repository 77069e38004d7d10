//! The demo tenant: a small, believable deployment so a newcomer sees a populated console,
//! plus a second tenant to show (and test) that nothing crosses between them.
//! Seeding is idempotent; each call hands out fresh random passwords for the demo
//! accounts, so the logins printed last are always the ones that work. The world inside
//! the tenants is built through the same services the console uses, acting as the
//! tenant's owner, so the demo's audit log reads like real work.

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::audit::{AuditActor, Change, record};
use super::capabilities::enable::{NewExternalSystem, enable_builtin, register_external_system};
use super::entities::{membership, persona, space, tenant, user};
use super::grants::{SetGrant, set_grant};
use super::personas::create::{NewPersona, create_persona};
use super::spaces::apps::create_app;
use super::spaces::create::create_space;
use super::{Actor, ConsoleUser, Ctx, db};
use crate::AppError;
use crate::types::{CapabilityId, PersonaId, Role, SpaceId, TenantId, UserId};

pub const DEMO_EMAIL: &str = "demo@persona-console.local";
const DEMO_TENANT: &str = "Northwind Demo";
const OTHER_TENANT: &str = "Contoso Labs";

struct Account {
    tenant: &'static str,
    email: &'static str,
    name: &'static str,
    role: Role,
}

/// The owner of each tenant comes first in its group.
const ACCOUNTS: &[Account] = &[
    Account {
        tenant: DEMO_TENANT,
        email: DEMO_EMAIL,
        name: "Dana Demo",
        role: Role::Owner,
    },
    Account {
        tenant: DEMO_TENANT,
        email: "operator@persona-console.local",
        name: "Opal Operator",
        role: Role::Operator,
    },
    Account {
        tenant: DEMO_TENANT,
        email: "viewer@persona-console.local",
        name: "Vic Viewer",
        role: Role::Viewer,
    },
    Account {
        tenant: DEMO_TENANT,
        email: "reviewer@persona-console.local",
        name: "Remy Reviewer",
        role: Role::Reviewer,
    },
    Account {
        tenant: DEMO_TENANT,
        email: "evaluator@persona-console.local",
        name: "Eve Evaluator",
        role: Role::Evaluator,
    },
    Account {
        tenant: OTHER_TENANT,
        email: "outsider@persona-console.local",
        name: "Olly Outsider",
        role: Role::Owner,
    },
];

#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSpace {
    pub id: SpaceId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoPersona {
    pub id: PersonaId,
    pub name: String,
    pub space_id: SpaceId,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoTenant {
    pub tenant_id: TenantId,
    pub login: DemoLogin,
    pub spaces: Vec<DemoSpace>,
    pub personas: Vec<DemoPersona>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Demo {
    /// The demo tenant's owner.
    pub login: DemoLogin,
    pub operator: DemoLogin,
    pub viewer: DemoLogin,
    /// Decides review-queue items (a second person).
    pub reviewer: DemoLogin,
    /// A buyer: reads everything, changes only evaluations.
    pub evaluator: DemoLogin,
    pub tenant_id: TenantId,
    pub spaces: Vec<DemoSpace>,
    pub personas: Vec<DemoPersona>,
    /// A second tenant, for seeing that nothing crosses between tenants.
    pub other_tenant: DemoTenant,
    /// True when this call created the tenants (false: they were there and kept).
    #[serde(skip)]
    pub created: bool,
    /// A runtime token for the first space (set by `demo --json` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_token: Option<String>,
    /// The trigger URL of the kill-switch of the first persona in that space (set by
    /// `demo --json` only; each run rotates it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kill_switch_trigger_url: Option<String>,
}

/// Finds or creates the tenant, the user and the membership; resets the password.
/// Returns the tenant id, the user's console identity, and whether the tenant is new.
async fn ensure_account(
    txn: &DatabaseTransaction,
    account: &Account,
    hash: String,
) -> Result<(ConsoleUser, bool), AppError> {
    let system = AuditActor::system();
    let now = super::now();
    let tenant = match tenant::Entity::find()
        .filter(tenant::Column::Name.eq(account.tenant))
        .one(txn)
        .await?
    {
        Some(t) => (t, false),
        None => {
            let created = tenant::ActiveModel {
                id: Set(TenantId::new().to_string()),
                name: Set(account.tenant.into()),
                created_at: Set(now),
                audit_head_seq: Set(0),
                audit_head_hash: Set(crate::domain::audit::chain::GENESIS.into()),
            }
            .insert(txn)
            .await?;
            let id = TenantId::from_db(created.id.clone());
            record(
                txn,
                &id,
                &system,
                Change::created("tenant.create", &created),
            )
            .await?;
            (created, true)
        }
    };
    let (tenant, tenant_created) = tenant;
    let tenant_id = TenantId::from_db(tenant.id.clone());
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(account.email))
        .one(txn)
        .await?;
    let user = match existing {
        Some(found) => {
            let before = found.clone();
            let mut active: user::ActiveModel = found.into();
            active.password_hash = Set(hash);
            active.disabled = Set(false);
            let after = active.update(txn).await?;
            // The view never shows the hash: a reset records an empty diff under its own
            // action name, which is what happened.
            record(
                txn,
                &tenant_id,
                &system,
                Change::updated("user.reset_password", &before, &after),
            )
            .await?;
            after
        }
        None => {
            let created = user::ActiveModel {
                id: Set(UserId::new().to_string()),
                email: Set(account.email.into()),
                display_name: Set(account.name.into()),
                password_hash: Set(hash),
                disabled: Set(false),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            record(
                txn,
                &tenant_id,
                &system,
                Change::created("user.create", &created),
            )
            .await?;
            created
        }
    };
    let is_member = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant.id.as_str()))
        .filter(membership::Column::UserId.eq(user.id.as_str()))
        .one(txn)
        .await?
        .is_some();
    if !is_member {
        let created = membership::ActiveModel {
            tenant_id: Set(tenant.id.clone()),
            user_id: Set(user.id.clone()),
            role: Set(account.role.as_str().into()),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        record(
            txn,
            &tenant_id,
            &system,
            Change::created("membership.create", &created),
        )
        .await?;
    }
    Ok((
        ConsoleUser {
            user_id: UserId::from_db(user.id),
            email: user.email,
            display_name: user.display_name,
            tenant_id,
            tenant_name: tenant.name,
            role: account.role,
            ip: None,
            user_agent: None,
        },
        tenant_created,
    ))
}

/// Seeds the demo tenants if they are missing and sets fresh passwords for their people.
pub async fn ensure_demo(ctx: &Ctx) -> Result<Demo, AppError> {
    let mut logins = Vec::with_capacity(ACCOUNTS.len());
    let mut hashes = Vec::with_capacity(ACCOUNTS.len());
    for account in ACCOUNTS {
        let password = Alphanumeric.sample_string(&mut OsRng, 20);
        hashes.push(ctx.passwords.hash(password.clone()).await?);
        logins.push(DemoLogin {
            email: account.email.into(),
            password,
        });
    }
    let txn = db::begin_write(&ctx.db).await?;
    let mut users = Vec::with_capacity(ACCOUNTS.len());
    let mut created = false;
    for (account, hash) in ACCOUNTS.iter().zip(hashes) {
        let (user, tenant_created) = ensure_account(&txn, account, hash).await?;
        created |= tenant_created && account.tenant == DEMO_TENANT;
        users.push(user);
    }
    txn.commit().await?;

    let [owner, operator, _viewer, _reviewer, evaluator, outsider] = users.as_slice() else {
        return Err(AppError::Internal);
    };
    if created {
        seed_northwind(ctx, owner, operator).await?;
        seed_evaluations(ctx, owner, evaluator).await?;
        seed_contoso(ctx, outsider).await?;
    }
    let [
        login,
        operator_login,
        viewer,
        reviewer,
        evaluator_login,
        outsider_login,
    ] = <[DemoLogin; 6]>::try_from(logins).map_err(|_| AppError::Internal)?;
    let (spaces, personas) = contents(ctx, &owner.tenant_id).await?;
    let (other_spaces, other_personas) = contents(ctx, &outsider.tenant_id).await?;
    Ok(Demo {
        login,
        operator: operator_login,
        viewer,
        reviewer,
        evaluator: evaluator_login,
        tenant_id: owner.tenant_id.clone(),
        spaces,
        personas,
        other_tenant: DemoTenant {
            tenant_id: outsider.tenant_id.clone(),
            login: outsider_login,
            spaces: other_spaces,
            personas: other_personas,
        },
        created,
        runtime_token: None,
        kill_switch_trigger_url: None,
    })
}

/// A fresh runtime token for the demo's first space, with every scope, for seven days:
/// what `demo --json` hands an outside client. Issued by the demo owner, audited.
pub async fn issue_runtime_token(ctx: &Ctx, demo: &Demo) -> Result<String, AppError> {
    let space = demo.spaces.first().ok_or(AppError::NotFound)?;
    let actor =
        super::auth::login::cli_actor(ctx, &demo.login.email, demo.tenant_id.as_str()).await?;
    let scopes: Vec<String> = crate::types::RuntimeScope::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let issued = super::tokens::issue::issue_token(
        ctx,
        &actor,
        &space.id,
        super::tokens::issue::NewToken {
            name: "Demo runtime (demo --json)",
            scopes: &scopes,
            expires_in_days: Some(7),
            ..Default::default()
        },
    )
    .await?;
    Ok(issued.token)
}

/// A fresh trigger URL for the switch of the first persona in the demo's first space (the
/// runtime token's space), so the path trigger → stream → deny can be driven from outside.
pub async fn issue_trigger_url(ctx: &Ctx, demo: &Demo, origin: &str) -> Result<String, AppError> {
    let space = demo.spaces.first().ok_or(AppError::NotFound)?;
    let persona = demo
        .personas
        .iter()
        .find(|p| p.space_id == space.id)
        .ok_or(AppError::NotFound)?;
    let actor =
        super::auth::login::cli_actor(ctx, &demo.login.email, demo.tenant_id.as_str()).await?;
    let issued = super::killswitch::trigger::issue_trigger(
        ctx,
        &actor,
        &super::killswitch::SwitchTarget {
            scope: super::runtime::snapshot::SwitchScope::Persona,
            id: persona.id.to_string(),
        },
    )
    .await?;
    Ok(format!(
        "{}{}{}",
        origin.trim_end_matches('/'),
        super::killswitch::trigger::PATH,
        issued.secret
    ))
}

async fn contents(
    ctx: &Ctx,
    tenant_id: &TenantId,
) -> Result<(Vec<DemoSpace>, Vec<DemoPersona>), AppError> {
    let spaces = space::Entity::find()
        .filter(space::Column::TenantId.eq(tenant_id.as_str()))
        .order_by_asc(space::Column::Name)
        .all(&ctx.db)
        .await?;
    let personas = persona::Entity::find()
        .filter(persona::Column::SpaceId.is_in(spaces.iter().map(|s| s.id.clone())))
        .order_by_asc(persona::Column::Name)
        .all(&ctx.db)
        .await?;
    Ok((
        spaces
            .into_iter()
            .map(|s| DemoSpace {
                id: SpaceId::from_db(s.id),
                name: s.name,
            })
            .collect(),
        personas
            .into_iter()
            .map(|p| DemoPersona {
                id: PersonaId::from_db(p.id),
                name: p.name,
                space_id: SpaceId::from_db(p.space_id),
            })
            .collect(),
    ))
}

fn envs(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[allow(clippy::too_many_arguments)]
async fn grant(
    ctx: &Ctx,
    actor: &Actor,
    persona: &PersonaId,
    capability: &CapabilityId,
    action: &str,
    access: &str,
    environments: &[&str],
    min_stage: &str,
) -> Result<(), AppError> {
    set_grant(
        ctx,
        actor,
        persona,
        SetGrant {
            capability_id: capability.as_str(),
            action,
            access,
            environments: &envs(environments),
            min_stage,
            reason: "",
            version: None,
        },
    )
    .await
    .map(|_| ())
}

async fn seed_northwind(
    ctx: &Ctx,
    owner: &ConsoleUser,
    operator: &ConsoleUser,
) -> Result<(), AppError> {
    let actor = Actor::Console(owner.clone());
    let a = &actor;

    let support = create_space(
        ctx,
        a,
        "Customer Support",
        "Front-line support for Northwind's online store.",
    )
    .await?;
    create_app(
        ctx,
        a,
        &support,
        "Help Center Widget",
        "embedded_experience",
        "The chat bubble on every store page.",
    )
    .await?;
    create_app(
        ctx,
        a,
        &support,
        "Support Inbox",
        "workflow",
        "Email and ticket triage.",
    )
    .await?;
    let chat = enable_builtin(ctx, a, &support, "chat").await?;
    let agenda = enable_builtin(ctx, a, &support, "agenda").await?;
    enable_builtin(ctx, a, &support, "document_library").await?;
    enable_builtin(ctx, a, &support, "kv_datastore").await?;
    let tickets = register_external_system(
        ctx,
        a,
        &support,
        NewExternalSystem {
            kind: "ticketing",
            name: "Zendesk",
            endpoint: "https://northwind.zendesk.example/api/v2",
            actions: "search_tickets read\ncreate_ticket write\nclose_ticket write irreversible",
        },
    )
    .await?;
    let orders = register_external_system(
        ctx,
        a,
        &support,
        NewExternalSystem {
            kind: "inventory_orders",
            name: "Store Orders",
            endpoint: "https://orders.northwind.example",
            actions: "lookup_order read\nissue_refund write financial irreversible",
        },
    )
    .await?;
    let ava = create_persona(
        ctx,
        a,
        &support,
        NewPersona {
            name: "Ava",
            role_description: "Support concierge: answers order questions and files tickets.",
            owner: "",
            on_call: operator.user_id.as_str(),
            continuity: &envs(&["memory", "follow_ups", "identity"]),
        },
    )
    .await?;
    let milo = create_persona(
        ctx,
        a,
        &support,
        NewPersona {
            name: "Milo",
            role_description: "Returns assistant: walks customers through returns in the sandbox.",
            owner: operator.user_id.as_str(),
            on_call: "",
            continuity: &envs(&["memory"]),
        },
    )
    .await?;
    let everywhere = ["sandbox", "staging", "production"];
    grant(ctx, a, &ava, &chat, "", "write", &everywhere, "1").await?;
    grant(
        ctx,
        a,
        &ava,
        &agenda,
        "schedule_follow_up",
        "write",
        &everywhere,
        "1",
    )
    .await?;
    grant(
        ctx,
        a,
        &ava,
        &tickets,
        "search_tickets",
        "read",
        &everywhere,
        "1",
    )
    .await?;
    grant(
        ctx,
        a,
        &ava,
        &tickets,
        "create_ticket",
        "write",
        &["staging", "production"],
        "2",
    )
    .await?;
    // Left to its default: a refund is financial and irreversible, so it needs approval.
    grant(
        ctx,
        a,
        &ava,
        &orders,
        "issue_refund",
        "",
        &["production"],
        "2",
    )
    .await?;
    grant(ctx, a, &milo, &chat, "", "write", &["sandbox"], "1").await?;
    grant(
        ctx,
        a,
        &milo,
        &orders,
        "lookup_order",
        "read",
        &["sandbox"],
        "1",
    )
    .await?;

    let back_office = create_space(
        ctx,
        a,
        "Back Office",
        "Internal operations: orders, invoices and inventory.",
    )
    .await?;
    create_app(
        ctx,
        a,
        &back_office,
        "Ops Console",
        "product_ui",
        "The internal tool the order desk uses.",
    )
    .await?;
    let kv = enable_builtin(ctx, a, &back_office, "kv_datastore").await?;
    enable_builtin(ctx, a, &back_office, "document_library").await?;
    let erp = register_external_system(
        ctx,
        a,
        &back_office,
        NewExternalSystem {
            kind: "backoffice",
            name: "NetSuite",
            endpoint: "netsuite:northwind-prod",
            actions: "read_invoice read\npost_journal write privileged",
        },
    )
    .await?;
    let otto = create_persona(
        ctx,
        a,
        &back_office,
        NewPersona {
            name: "Otto",
            role_description: "Order desk: reconciles orders with inventory and flags mismatches.",
            owner: "",
            on_call: "",
            continuity: &envs(&["plans"]),
        },
    )
    .await?;
    grant(ctx, a, &otto, &kv, "", "write", &["sandbox"], "1").await?;
    grant(
        ctx,
        a,
        &otto,
        &erp,
        "read_invoice",
        "read",
        &["sandbox"],
        "1",
    )
    .await?;

    // Ava already went through a pilot; the stage machine (and its review) is the
    // governance area's, so the seed sets it directly, on the record.
    set_seeded_stage(ctx, &owner.tenant_id, &ava, 2).await
}

/// A buyer's two evaluations: Ava's pilot readiness, completed (it stops at level 1: her
/// switch was never drilled and her memory has no datastore), and a first look at the
/// Back Office, in progress.
async fn seed_evaluations(
    ctx: &Ctx,
    owner: &ConsoleUser,
    evaluator: &ConsoleUser,
) -> Result<(), AppError> {
    use super::evaluation::{attest, complete, set_step, start};
    let eve = Actor::Console(evaluator.clone());
    let spaces = space::Entity::find()
        .filter(space::Column::TenantId.eq(owner.tenant_id.as_str()))
        .all(&ctx.db)
        .await?;
    let space_named = |name: &str| {
        spaces
            .iter()
            .find(|s| s.name == name)
            .map(|s| SpaceId::from_db(s.id.clone()))
            .ok_or(AppError::NotFound)
    };
    let support = space_named("Customer Support")?;
    let ava = persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(support.as_str()))
        .filter(persona::Column::Name.eq("Ava"))
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = start(
        ctx,
        &eve,
        &support,
        &ava.id,
        "Ava: support concierge readiness",
    )
    .await?;
    for (item, statement) in [
        (
            "surfaces.fit",
            "Customers reach support through the store chat and the help center; Ava is on both.",
        ),
        (
            "systems.matter",
            "Zendesk holds every ticket and Store Orders every order: the two systems support lives in.",
        ),
        (
            "continuity.meaning",
            "Ava remembers a customer's open issues across chats and follows up on promised callbacks.",
        ),
        (
            "launch.workflow",
            "Order-status questions in the help center widget, handed to a person when a refund is asked for.",
        ),
        (
            "control.operator_path",
            "Opal watches Activity daily, reviews refunds in the queue, and can stop Ava from the banner.",
        ),
        (
            "control.runbook",
            "The support incident runbook (v3) names the on-call operator and the steps to stop and notify.",
        ),
    ] {
        attest(ctx, &eve, &done, item, statement).await?;
    }
    complete(ctx, &eve, &done).await?;

    let back_office = space_named("Back Office")?;
    let open = start(ctx, &eve, &back_office, "", "Back Office: first look").await?;
    attest(
        ctx,
        &eve,
        &open,
        "surfaces.fit",
        "The order desk works in the Ops Console; Otto needs the datastore and documents there.",
    )
    .await?;
    attest(
        ctx,
        &eve,
        &open,
        "launch.workflow",
        "Nightly reconciliation of yesterday's orders against inventory, mismatches flagged to the desk.",
    )
    .await?;
    set_step(ctx, &eve, &open, 3).await
}

async fn seed_contoso(ctx: &Ctx, owner: &ConsoleUser) -> Result<(), AppError> {
    let actor = Actor::Console(owner.clone());
    let lab = create_space(ctx, &actor, "Contoso Sandbox", "Contoso's own experiments.").await?;
    enable_builtin(ctx, &actor, &lab, "chat").await?;
    create_persona(
        ctx,
        &actor,
        &lab,
        NewPersona {
            name: "Cora",
            role_description: "Contoso's research assistant.",
            owner: "",
            on_call: "",
            continuity: &[],
        },
    )
    .await?;
    Ok(())
}

async fn set_seeded_stage(
    ctx: &Ctx,
    tenant: &TenantId,
    persona_id: &PersonaId,
    stage: i16,
) -> Result<(), AppError> {
    let txn = db::begin_write(&ctx.db).await?;
    let before = persona::Entity::find_by_id(persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active: persona::ActiveModel = before.clone().into();
    active.stage = Set(stage);
    let after = active.update(&txn).await?;
    record(
        &txn,
        tenant,
        &AuditActor::system(),
        Change::updated("persona.stage_seeded", &before, &after),
    )
    .await?;
    super::runtime::changes::policy_changed(&txn, &after.space_id, Some(after.id.as_str())).await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&after.space_id))
        .await?;
    Ok(())
}
