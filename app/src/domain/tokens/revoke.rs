//! Revoking: the token stops working on its next request.

use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use super::{status, token_for};
use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::runtime_token;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{TenantId, TokenId, TokenStatus};

pub async fn revoke_token(ctx: &Ctx, actor: &Actor, token_id: &TokenId) -> Result<(), AppError> {
    let (token, scope) = token_for(ctx, actor, token_id, Action::ManageTokens).await?;
    let Actor::Console(user) = actor;
    let txn = db::begin_write(&ctx.db).await?;
    let before = runtime_token::Entity::find_by_id(token.id.as_str())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if status(&before, now(), false) == TokenStatus::Revoked {
        return Err(AppError::conflict("this token is already revoked"));
    }
    let mut revoked: runtime_token::ActiveModel = before.clone().into();
    revoked.revoked_at = Set(Some(now()));
    revoked.revoked_by = Set(Some(user.user_id.to_string()));
    let after = revoked.update(&txn).await?;
    record(
        &txn,
        &TenantId::from_db(scope.space.tenant_id),
        &AuditActor::of(actor),
        Change::updated("token.revoked", &before, &after),
    )
    .await?;
    txn.commit().await?;
    // The next request fails; open streams close now.
    ctx.runtime.token_changed(&after.id);
    Ok(())
}
