//! The demo tenant: a small, believable deployment so a newcomer sees a populated console.
//! Seeding is idempotent; each call hands out a fresh random password for the demo owner,
//! so the login printed last is always the one that works.

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::audit::{AuditActor, Change, record};
use super::entities::{membership, persona, space, tenant, user};
use super::{Ctx, db};
use crate::AppError;
use crate::types::{PersonaId, Role, SpaceId, TenantId, UserId};

pub const DEMO_EMAIL: &str = "demo@persona-console.local";
const DEMO_TENANT: &str = "Northwind Demo";

struct SeedSpace {
    name: &'static str,
    description: &'static str,
    personas: &'static [SeedPersona],
}

struct SeedPersona {
    name: &'static str,
    role: &'static str,
    stage: i16,
}

const SPACES: &[SeedSpace] = &[
    SeedSpace {
        name: "Customer Support",
        description: "Front-line support for Northwind's online store.",
        personas: &[
            SeedPersona {
                name: "Ava",
                role: "Support concierge: answers order questions and files tickets.",
                stage: 2,
            },
            SeedPersona {
                name: "Milo",
                role: "Returns assistant: walks customers through returns in the sandbox.",
                stage: 1,
            },
        ],
    },
    SeedSpace {
        name: "Back Office",
        description: "Internal operations: orders, invoices and inventory.",
        personas: &[SeedPersona {
            name: "Otto",
            role: "Order desk: reconciles orders with inventory and flags mismatches.",
            stage: 1,
        }],
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
pub struct Demo {
    pub login: DemoLogin,
    pub tenant_id: TenantId,
    pub spaces: Vec<DemoSpace>,
    pub personas: Vec<DemoPersona>,
    /// True when this call created the tenant (false: it was there and kept).
    #[serde(skip)]
    pub created: bool,
}

/// Seeds the demo tenant if it is missing and sets a fresh password for its owner.
pub async fn ensure_demo(ctx: &Ctx) -> Result<Demo, AppError> {
    let password = Alphanumeric.sample_string(&mut OsRng, 20);
    let hash = ctx.passwords.hash(password.clone()).await?;
    let now = super::now();
    let actor = AuditActor::system();
    let txn = db::begin_write(&ctx.db).await?;

    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(DEMO_EMAIL))
        .one(&txn)
        .await?;
    let created = existing.is_none();
    let tenant_id = match existing {
        Some(owner) => {
            let tenant_id = membership::Entity::find()
                .filter(membership::Column::UserId.eq(owner.id.as_str()))
                .one(&txn)
                .await?
                .map(|m| m.tenant_id)
                .ok_or_else(|| {
                    AppError::conflict("The demo account exists without a tenant; remove it first.")
                })?;
            let before = owner.clone();
            let mut active: user::ActiveModel = owner.into();
            active.password_hash = Set(hash);
            active.disabled = Set(false);
            let after = active.update(&txn).await?;
            let tenant = TenantId::from_db(tenant_id.clone());
            // The view never shows the hash: a reset with no other change records an empty diff
            // under its own action name, which is what happened.
            record(
                &txn,
                &tenant,
                &actor,
                Change::updated("user.reset_password", &before, &after),
            )
            .await?;
            TenantId::from_db(tenant_id)
        }
        None => {
            let tenant_id = TenantId::new();
            let user_id = UserId::new();
            let created = tenant::ActiveModel {
                id: Set(tenant_id.to_string()),
                name: Set(DEMO_TENANT.into()),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                &tenant_id,
                &actor,
                Change::created("tenant.create", &created),
            )
            .await?;
            let created = user::ActiveModel {
                id: Set(user_id.to_string()),
                email: Set(DEMO_EMAIL.into()),
                display_name: Set("Dana Demo".into()),
                password_hash: Set(hash),
                disabled: Set(false),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                &tenant_id,
                &actor,
                Change::created("user.create", &created),
            )
            .await?;
            let created = membership::ActiveModel {
                tenant_id: Set(tenant_id.to_string()),
                user_id: Set(user_id.to_string()),
                role: Set(Role::Owner.as_str().into()),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                &tenant_id,
                &actor,
                Change::created("membership.create", &created),
            )
            .await?;
            for seed in SPACES {
                let space_id = SpaceId::new();
                let created = space::ActiveModel {
                    id: Set(space_id.to_string()),
                    tenant_id: Set(tenant_id.to_string()),
                    name: Set(seed.name.into()),
                    description: Set(seed.description.into()),
                    created_at: Set(now),
                }
                .insert(&txn)
                .await?;
                record(
                    &txn,
                    &tenant_id,
                    &actor,
                    Change::created("space.create", &created),
                )
                .await?;
                for persona in seed.personas {
                    let created = persona::ActiveModel {
                        id: Set(PersonaId::new().to_string()),
                        space_id: Set(space_id.to_string()),
                        name: Set(persona.name.into()),
                        role_description: Set(persona.role.into()),
                        stage: Set(persona.stage),
                        status: Set("active".into()),
                        created_at: Set(now),
                    }
                    .insert(&txn)
                    .await?;
                    record(
                        &txn,
                        &tenant_id,
                        &actor,
                        Change::created("persona.create", &created),
                    )
                    .await?;
                }
            }
            tenant_id
        }
    };

    let spaces = space::Entity::find()
        .filter(space::Column::TenantId.eq(tenant_id.as_str()))
        .order_by_asc(space::Column::Name)
        .all(&txn)
        .await?;
    let personas = persona::Entity::find()
        .filter(persona::Column::SpaceId.is_in(spaces.iter().map(|s| s.id.clone())))
        .order_by_asc(persona::Column::Name)
        .all(&txn)
        .await?;
    txn.commit().await?;

    Ok(Demo {
        login: DemoLogin {
            email: DEMO_EMAIL.into(),
            password,
        },
        tenant_id,
        spaces: spaces
            .into_iter()
            .map(|s| DemoSpace {
                id: SpaceId::from_db(s.id),
                name: s.name,
            })
            .collect(),
        personas: personas
            .into_iter()
            .map(|p| DemoPersona {
                id: PersonaId::from_db(p.id),
                name: p.name,
                space_id: SpaceId::from_db(p.space_id),
            })
            .collect(),
        created,
    })
}
