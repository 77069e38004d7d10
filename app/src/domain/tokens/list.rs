//! The space's tokens as the console lists them: never a secret or a hash.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;

use super::{scopes_from_db, status};
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{app, persona, runtime_token};
use crate::domain::spaces::space_for;
use crate::domain::users::display_names;
use crate::domain::{Actor, Ctx, now, rfc3339};
use crate::types::{AppId, PersonaId, SpaceId, TenantId, TokenId, TokenView, TokensView};

pub async fn list_tokens(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
) -> Result<TokensView, AppError> {
    let scope = space_for(ctx, actor, space_id, Action::ViewSpace).await?;
    let tenant = TenantId::from_db(scope.space.tenant_id.clone());
    let can_manage = authorize(
        actor,
        Action::ManageTokens,
        Scope::Space {
            access: &scope.access,
            tenant: &tenant,
            space: space_id,
        },
    )
    .is_ok();
    let tokens = runtime_token::Entity::find()
        .filter(runtime_token::Column::SpaceId.eq(space_id.as_str()))
        .order_by_desc(runtime_token::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let apps: Vec<(AppId, String)> = app::Entity::find()
        .filter(app::Column::SpaceId.eq(space_id.as_str()))
        .order_by_asc(app::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|a| (AppId::from_db(a.id), a.name))
        .collect();
    let personas: Vec<(PersonaId, String)> = persona::Entity::find()
        .filter(persona::Column::SpaceId.eq(space_id.as_str()))
        .order_by_asc(persona::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|p| (PersonaId::from_db(p.id), p.name))
        .collect();
    let creators = display_names(
        &ctx.db,
        tokens.iter().filter_map(|t| t.created_by.clone()).collect(),
    )
    .await?;
    let rotated: HashSet<&str> = tokens
        .iter()
        .filter_map(|t| t.rotated_from.as_deref())
        .collect();
    let at = now();
    let views = tokens
        .iter()
        .map(|t| {
            let status = status(t, at, rotated.contains(t.id.as_str()));
            TokenView {
                id: TokenId::from_db(t.id.clone()),
                prefix: t.prefix.clone(),
                name: t.name.clone(),
                scopes: scopes_from_db(&t.scopes),
                app: t
                    .app_id
                    .as_deref()
                    .map(|id| (AppId::from_db(id.into()), name_of(&apps, id))),
                persona: t
                    .persona_id
                    .as_deref()
                    .map(|id| (PersonaId::from_db(id.into()), name_of(&personas, id))),
                created_by: t
                    .created_by
                    .as_ref()
                    .and_then(|id| creators.get(id).cloned()),
                created_at: rfc3339(t.created_at),
                expires_at: rfc3339(t.expires_at),
                last_used_at: t.last_used_at.map(rfc3339),
                revoked_at: t.revoked_at.map(rfc3339),
                status,
            }
        })
        .collect();
    Ok(TokensView {
        space_id: space_id.clone(),
        space_name: scope.space.name,
        tokens: views,
        can_manage,
        apps,
        personas,
    })
}

/// The name of a narrowing target; a token narrowed to something since deleted reaches
/// nothing, and says so.
fn name_of<I: std::fmt::Display>(list: &[(I, String)], id: &str) -> String {
    list.iter()
        .find(|(x, _)| x.to_string() == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| "(deleted)".into())
}
