//! Runtime tokens of a space: list, issue, rotate, revoke.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{IssuedToken, SpaceId, TokenId, TokensView};

#[server(endpoint = "list_tokens")]
pub async fn list_tokens(space_id: SpaceId) -> Result<TokensView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::tokens::list::list_tokens(ctx, actor, &space_id).await)
        .await
}

/// Answers with the secret, once. Narrowing fields are ids or empty for "any".
#[server(endpoint = "issue_token")]
pub async fn issue_token(
    space_id: SpaceId,
    name: String,
    #[server(default)] scopes: Vec<String>,
    #[server(default)] app_id: String,
    #[server(default)] persona_id: String,
    #[server(default)] expires_in_days: Option<u32>,
) -> Result<IssuedToken, AppError> {
    use super::context::serve;
    use crate::domain::tokens::issue::{NewToken, issue_token};
    serve(async |ctx, actor| {
        let input = NewToken {
            name: &name,
            scopes: &scopes,
            app_id: &app_id,
            persona_id: &persona_id,
            expires_in_days,
        };
        issue_token(ctx, actor, &space_id, input).await
    })
    .await
}

#[server(endpoint = "rotate_token")]
pub async fn rotate_token(
    token_id: TokenId,
    #[server(default)] grace_hours: Option<u32>,
    #[server(default)] expires_in_days: Option<u32>,
) -> Result<IssuedToken, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::tokens::issue::rotate_token(
            ctx,
            actor,
            &token_id,
            grace_hours,
            expires_in_days,
        )
        .await
    })
    .await
}

#[server(endpoint = "revoke_token")]
pub async fn revoke_token(token_id: TokenId) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::tokens::revoke::revoke_token(ctx, actor, &token_id).await
    })
    .await
}
