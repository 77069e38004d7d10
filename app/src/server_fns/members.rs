//! Members and teams.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{AddedMember, MembersView, SpaceId, TeamId, UserId};

#[server(endpoint = "list_members")]
pub async fn list_members() -> Result<MembersView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::members::list::list_members(ctx, actor).await).await
}

#[server(endpoint = "add_member")]
pub async fn add_member(
    email: String,
    display_name: String,
    role: String,
) -> Result<AddedMember, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::manage::add_member(ctx, actor, &email, &display_name, &role).await
    })
    .await
}

#[server(endpoint = "change_role")]
pub async fn change_role(user_id: UserId, role: String) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::manage::change_role(ctx, actor, &user_id, &role).await
    })
    .await
}

#[server(endpoint = "remove_member")]
pub async fn remove_member(user_id: UserId) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::manage::remove_member(ctx, actor, &user_id).await
    })
    .await
}

#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: UserId, disabled: bool) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::manage::set_user_disabled(ctx, actor, &user_id, disabled).await
    })
    .await
}

#[server(endpoint = "create_team")]
pub async fn create_team(name: String, role: String) -> Result<TeamId, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::teams::create_team(ctx, actor, &name, &role).await
    })
    .await
}

#[server(endpoint = "set_team_member")]
pub async fn set_team_member(
    team_id: TeamId,
    user_id: UserId,
    member: bool,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::teams::set_team_member(ctx, actor, &team_id, &user_id, member).await
    })
    .await
}

#[server(endpoint = "set_team_space")]
pub async fn set_team_space(
    team_id: TeamId,
    space_id: SpaceId,
    granted: bool,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::members::teams::set_team_space(ctx, actor, &team_id, &space_id, granted)
            .await
    })
    .await
}
