//! Spaces, their environments and apps.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{AppId, SpaceDetailView, SpaceId, SpacesView};

#[server(endpoint = "list_spaces")]
pub async fn list_spaces() -> Result<SpacesView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::spaces::read::list_spaces(ctx, actor).await).await
}

#[server(endpoint = "get_space")]
pub async fn get_space(space_id: SpaceId) -> Result<SpaceDetailView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::spaces::read::get_space(ctx, actor, &space_id).await)
        .await
}

#[server(endpoint = "create_space")]
pub async fn create_space(
    name: String,
    #[server(default)] description: String,
) -> Result<SpaceId, AppError> {
    use super::context::{redirect_to, serve};
    let result = serve(async |ctx, actor| {
        crate::domain::spaces::create::create_space(ctx, actor, &name, &description).await
    })
    .await;
    if let Ok(id) = &result {
        redirect_to(&format!("/spaces/{id}"));
    }
    result
}

#[server(endpoint = "add_environment")]
pub async fn add_environment(space_id: SpaceId, name: String) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::spaces::environments::add_environment(ctx, actor, &space_id, &name).await
    })
    .await
}

#[server(endpoint = "create_app")]
pub async fn create_app(
    space_id: SpaceId,
    name: String,
    kind: String,
    #[server(default)] description: String,
) -> Result<AppId, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::spaces::apps::create_app(ctx, actor, &space_id, &name, &kind, &description)
            .await
    })
    .await
}
