//! Personas and their grants.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{
    GrantId, PersonaDetailView, PersonaFilter, PersonaId, PersonaListView, SpaceId,
};

#[server(endpoint = "list_personas")]
pub async fn list_personas(
    #[server(default)] filter: PersonaFilter,
) -> Result<PersonaListView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::personas::list::list_personas(ctx, actor, &filter).await
    })
    .await
}

#[server(endpoint = "get_persona")]
pub async fn get_persona(persona_id: PersonaId) -> Result<PersonaDetailView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::personas::detail::get_persona(ctx, actor, &persona_id).await
    })
    .await
}

#[server(endpoint = "create_persona")]
pub async fn create_persona(
    space_id: SpaceId,
    name: String,
    role_description: String,
    #[server(default)] owner: String,
    #[server(default)] on_call: String,
    #[server(default)] continuity: Vec<String>,
) -> Result<PersonaId, AppError> {
    use super::context::{redirect_to, serve};
    use crate::domain::personas::create::NewPersona;
    let result = serve(async |ctx, actor| {
        crate::domain::personas::create::create_persona(
            ctx,
            actor,
            &space_id,
            NewPersona {
                name: &name,
                role_description: &role_description,
                owner: &owner,
                on_call: &on_call,
                continuity: &continuity,
            },
        )
        .await
    })
    .await;
    if let Ok(id) = &result {
        redirect_to(&format!("/personas/{id}"));
    }
    result
}

#[server(endpoint = "update_persona")]
pub async fn update_persona(
    persona_id: PersonaId,
    name: String,
    role_description: String,
    owner: String,
    #[server(default)] on_call: String,
    #[server(default)] continuity: Vec<String>,
    version: i32,
) -> Result<(), AppError> {
    use super::context::serve;
    use crate::domain::personas::update::PersonaEdit;
    serve(async |ctx, actor| {
        crate::domain::personas::update::update_persona(
            ctx,
            actor,
            &persona_id,
            PersonaEdit {
                name: &name,
                role_description: &role_description,
                owner: &owner,
                on_call: &on_call,
                continuity: &continuity,
                version,
            },
        )
        .await
    })
    .await
}

#[server(endpoint = "set_grant")]
#[allow(clippy::too_many_arguments)]
pub async fn set_grant(
    persona_id: PersonaId,
    // `capability_id`, or `capability_id/action_name` for one action.
    target: String,
    #[server(default)] access: String,
    #[server(default)] environments: Vec<String>,
    #[server(default)] min_stage: String,
    #[server(default)] reason: String,
    #[server(default)] version: Option<i32>,
) -> Result<GrantId, AppError> {
    use super::context::serve;
    use crate::domain::grants::SetGrant;
    let (capability_id, action) = target.split_once('/').unwrap_or((target.as_str(), ""));
    serve(async |ctx, actor| {
        crate::domain::grants::set_grant(
            ctx,
            actor,
            &persona_id,
            SetGrant {
                capability_id,
                action,
                access: &access,
                environments: &environments,
                min_stage: &min_stage,
                reason: &reason,
                version,
            },
        )
        .await
    })
    .await
}

#[server(endpoint = "remove_grant")]
pub async fn remove_grant(
    persona_id: PersonaId,
    grant_id: GrantId,
    version: i32,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::grants::remove_grant(ctx, actor, &persona_id, &grant_id, version).await
    })
    .await
}
