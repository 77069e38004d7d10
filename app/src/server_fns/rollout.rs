//! Rollout stages: a space's limits, a persona's stage, promotion requests, break glass
//! and demotion. Decisions on requests go through the review queue's `decide_review`.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{PersonaId, PersonaRolloutView, SpaceId, SpaceLimitsView};

#[server(endpoint = "get_persona_rollout")]
pub async fn get_persona_rollout(persona_id: PersonaId) -> Result<PersonaRolloutView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::rollout::persona_rollout(ctx, actor, &persona_id).await)
        .await
}

/// `attestations[]`: one statement per prompt the next stage asks for, in order.
#[server(endpoint = "request_promotion")]
pub async fn request_promotion(
    persona_id: PersonaId,
    #[server(default)] reason: String,
    #[server(default)] attestations: Vec<String>,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::rollout::request_promotion(ctx, actor, &persona_id, &reason, &attestations)
            .await
            .map(|_| ())
    })
    .await
}

#[server(endpoint = "edit_promotion")]
pub async fn edit_promotion(
    promotion_id: String,
    #[server(default)] reason: String,
    #[server(default)] attestations: Vec<String>,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::rollout::edit_request(ctx, actor, &promotion_id, &reason, &attestations)
            .await
    })
    .await
}

/// Break glass: an owner promotes one stage at once, with a written reason.
#[server(endpoint = "promote_now")]
pub async fn promote_now(
    persona_id: PersonaId,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::rollout::break_glass(ctx, actor, &persona_id, &reason).await
    })
    .await
}

#[server(endpoint = "demote_persona")]
pub async fn demote_persona(
    persona_id: PersonaId,
    #[server(default)] to_stage: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        let to = to_stage
            .trim()
            .parse::<u8>()
            .map_err(|_| AppError::invalid("to_stage", "choose the stage to go back to"))?;
        crate::domain::rollout::demote(ctx, actor, &persona_id, to, &reason).await
    })
    .await
}

#[server(endpoint = "get_stage_limits")]
pub async fn get_stage_limits(space_id: SpaceId) -> Result<SpaceLimitsView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::rollout::space_limits(ctx, actor, &space_id).await)
        .await
}

/// One stage's limits. `environments[]` holding `*` allows every environment of the space
/// (whatever else is ticked); empty numbers mean "no limit".
#[server(endpoint = "set_stage_limits")]
pub async fn set_stage_limits(
    space_id: SpaceId,
    #[server(default)] stage: String,
    #[server(default)] environments: Vec<String>,
    #[server(default)] max_external: String,
    #[server(default)] audience_cap: String,
    #[server(default)] approvals_required: String,
    #[server(default)] attestations: String,
) -> Result<(), AppError> {
    use super::context::serve;
    use crate::domain::rollout::limits::LimitsInput;
    serve(async |ctx, actor| {
        let stage = stage
            .trim()
            .parse::<u8>()
            .map_err(|_| AppError::invalid("stage", "must be 1, 2, 3 or 4"))?;
        let input = LimitsInput {
            environments: (!environments.iter().any(|e| e == "*"))
                .then_some(environments.as_slice()),
            max_external: &max_external,
            audience_cap: &audience_cap,
            approvals_required: &approvals_required,
            attestations: &attestations,
        };
        crate::domain::rollout::set_limits(ctx, actor, &space_id, stage, input).await
    })
    .await
}

/// The rollout board of one space (`None`: the first the member reaches).
#[server(endpoint = "get_rollout_board")]
pub async fn get_rollout_board(
    #[server(default)] space: Option<String>,
) -> Result<crate::types::RolloutBoardView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::rollout::board(ctx, actor, space.as_deref()).await)
        .await
}
