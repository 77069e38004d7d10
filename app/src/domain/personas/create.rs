//! Creating a persona in a space. It starts at stage 1 (Pilot), owned by the creator
//! unless someone else is named.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::{check_member, continuity_to_db, parse_continuity};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::persona;
use crate::domain::runtime::changes;
use crate::domain::spaces::space_for;
use crate::domain::validate::{check_name, check_text};
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{PersonaId, SpaceId, TenantId};

pub struct NewPersona<'a> {
    pub name: &'a str,
    pub role_description: &'a str,
    /// A member's user id; empty means the creator.
    pub owner: &'a str,
    /// A member's user id; empty means nobody yet (promotion will ask for one).
    pub on_call: &'a str,
    pub continuity: &'a [String],
}

pub const MAX_ROLE_DESCRIPTION: usize = 1000;

pub async fn create_persona(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    input: NewPersona<'_>,
) -> Result<PersonaId, AppError> {
    let Actor::Console(user) = actor;
    let scope = space_for(ctx, actor, space_id, Action::EditSpace).await?;
    let name = check_name("name", input.name)?;
    let role_description = check_text(
        "role_description",
        input.role_description,
        MAX_ROLE_DESCRIPTION,
    )?;
    if role_description.is_empty() {
        return Err(AppError::invalid(
            "role_description",
            "say in a sentence what this persona is for",
        ));
    }
    let continuity = parse_continuity(input.continuity)?;
    let tenant = TenantId::from_db(scope.space.tenant_id.clone());

    let txn = db::begin_write(&ctx.db).await?;
    let owner = check_member(&txn, tenant.as_str(), "owner", input.owner)
        .await?
        .unwrap_or_else(|| user.user_id.clone());
    let on_call = check_member(&txn, tenant.as_str(), "on_call", input.on_call).await?;
    if persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(space_id.as_str()))
        .filter(persona::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "name",
            format!("this space already has a persona named “{name}”"),
        ));
    }
    let id = PersonaId::new();
    let created = persona::ActiveModel {
        id: Set(id.to_string()),
        space_id: Set(space_id.to_string()),
        name_folded: Set(super::fold(&name)),
        name: Set(name),
        role_description: Set(role_description),
        stage: Set(1),
        status: Set("active".into()),
        created_at: Set(now()),
        owner_user_id: Set(Some(owner.to_string())),
        on_call_user_id: Set(on_call.map(String::from)),
        continuity: Set(continuity_to_db(&continuity)),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &tenant,
        &AuditActor::of(actor),
        Change::created("persona.created", &created),
    )
    .await?;
    changes::policy_changed(&txn, &created.space_id, Some(created.id.as_str())).await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&created.space_id))
        .await?;
    Ok(id)
}
