//! Editing a persona's description, owner, on-call operator and continuity. The space is
//! not among the fields: a persona never moves.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{check_member, continuity_to_db, parse_continuity, persona_for};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::persona;
use crate::domain::runtime::changes;
use crate::domain::validate::{check_name, check_text};
use crate::domain::{Actor, Ctx, db};
use crate::types::{PersonaId, TenantId};

pub struct PersonaEdit<'a> {
    pub name: &'a str,
    pub role_description: &'a str,
    pub owner: &'a str,
    pub on_call: &'a str,
    pub continuity: &'a [String],
    /// The version the edit was made against.
    pub version: i32,
}

pub async fn update_persona(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
    input: PersonaEdit<'_>,
) -> Result<(), AppError> {
    let found = persona_for(ctx, actor, persona_id, Action::EditSpace).await?;
    let tenant = TenantId::from_db(found.scope.space.tenant_id.clone());
    let name = check_name("name", input.name)?;
    let role_description = check_text(
        "role_description",
        input.role_description,
        super::create::MAX_ROLE_DESCRIPTION,
    )?;
    if role_description.is_empty() {
        return Err(AppError::invalid(
            "role_description",
            "say in a sentence what this persona is for",
        ));
    }
    let continuity = continuity_to_db(&parse_continuity(input.continuity)?);

    let txn = db::begin_write(&ctx.db).await?;
    let owner = check_member(&txn, tenant.as_str(), "owner", input.owner).await?;
    let Some(owner) = owner else {
        return Err(AppError::invalid("owner", "every persona needs an owner"));
    };
    let on_call = check_member(&txn, tenant.as_str(), "on_call", input.on_call).await?;
    let before = persona::Entity::find_by_id(persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if name != before.name
        && persona::Entity::find()
            .filter(persona::Column::SpaceId.eq(before.space_id.as_str()))
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
    let stale = || {
        AppError::conflict(
            "Someone changed this persona after you opened it. Reload to see their change, then try again.",
        )
    };
    if before.version != input.version {
        return Err(stale());
    }
    let updated = persona::Entity::update_many()
        .col_expr(persona::Column::NameFolded, Expr::value(super::fold(&name)))
        .col_expr(persona::Column::Name, Expr::value(name))
        .col_expr(
            persona::Column::RoleDescription,
            Expr::value(role_description),
        )
        .col_expr(
            persona::Column::OwnerUserId,
            Expr::value(Some(owner.to_string())),
        )
        .col_expr(
            persona::Column::OnCallUserId,
            Expr::value(on_call.map(String::from)),
        )
        .col_expr(persona::Column::Continuity, Expr::value(continuity))
        .col_expr(persona::Column::Version, Expr::value(input.version + 1))
        .filter(persona::Column::Id.eq(persona_id.as_str()))
        .filter(persona::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(stale());
    }
    let after = persona::Entity::find_by_id(persona_id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &txn,
        &tenant,
        &AuditActor::of(actor),
        Change::updated("persona.updated", &before, &after),
    )
    .await?;
    // Stage is part of the policy; name and owner are not, but one event is cheap.
    changes::policy_changed(&txn, &after.space_id, Some(after.id.as_str())).await?;
    ctx.runtime
        .commit(&ctx.db, txn, std::slice::from_ref(&after.space_id))
        .await?;
    Ok(())
}
