//! Which tenant a command-line token command acts in: the one owning the space or token
//! it names. Authorization is then the member's own, as in the console.

use sea_orm::EntityTrait;

use crate::AppError;
use crate::domain::Ctx;
use crate::domain::entities::{runtime_token, space};
use crate::types::{SpaceId, TokenId};

pub async fn tenant_of_space(ctx: &Ctx, space_id: &SpaceId) -> Result<String, AppError> {
    Ok(space::Entity::find_by_id(space_id.as_str())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?
        .tenant_id)
}

pub async fn tenant_of_token(ctx: &Ctx, token_id: &TokenId) -> Result<String, AppError> {
    Ok(runtime_token::Entity::find_by_id(token_id.as_str())
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?
        .tenant_id)
}
