//! Enabling, registering and disabling capabilities; the catalog.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{CapabilityId, CatalogView, DisableImpact, SpaceId};

#[server(endpoint = "get_catalog")]
pub async fn get_catalog() -> Result<CatalogView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::capabilities::read::get_catalog(ctx, actor).await).await
}

#[server(endpoint = "enable_builtin")]
pub async fn enable_builtin(space_id: SpaceId, builtin: String) -> Result<CapabilityId, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::capabilities::enable::enable_builtin(ctx, actor, &space_id, &builtin).await
    })
    .await
}

#[server(endpoint = "register_external_system")]
pub async fn register_external_system(
    space_id: SpaceId,
    kind: String,
    name: String,
    endpoint: String,
    actions: String,
) -> Result<CapabilityId, AppError> {
    use super::context::serve;
    use crate::domain::capabilities::enable::NewExternalSystem;
    serve(async |ctx, actor| {
        crate::domain::capabilities::enable::register_external_system(
            ctx,
            actor,
            &space_id,
            NewExternalSystem {
                kind: &kind,
                name: &name,
                endpoint: &endpoint,
                actions: &actions,
            },
        )
        .await
    })
    .await
}

#[server(endpoint = "get_disable_impact")]
pub async fn get_disable_impact(
    space_id: SpaceId,
    capability_id: CapabilityId,
) -> Result<DisableImpact, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::capabilities::disable::get_disable_impact(
            ctx,
            actor,
            &space_id,
            &capability_id,
        )
        .await
    })
    .await
}

#[server(endpoint = "disable_capability")]
pub async fn disable_capability(
    space_id: SpaceId,
    capability_id: CapabilityId,
    seen_grants: usize,
) -> Result<usize, AppError> {
    use super::context::{redirect_to, serve};
    let result = serve(async |ctx, actor| {
        crate::domain::capabilities::disable::disable_capability(
            ctx,
            actor,
            &space_id,
            &capability_id,
            seen_grants,
        )
        .await
    })
    .await;
    if result.is_ok() {
        // Back to the space, without the confirmation step in the address.
        redirect_to(&format!("/spaces/{space_id}"));
    }
    result
}
