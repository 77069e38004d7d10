//! Buyer evaluations: the list, the stepper, attestations, completion, share links,
//! and the shared report (the one server function that needs no sign-in: the link's
//! secret is its authority).

use leptos::prelude::*;

use crate::AppError;
use crate::types::{
    EvaluationId, EvaluationView, EvaluationsPageView, NewShareView, ReportView, ShareId,
};

#[server(endpoint = "get_evaluations")]
pub async fn get_evaluations() -> Result<EvaluationsPageView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::evaluation::page(ctx, actor).await).await
}

/// `target`: a space id, or `space id/persona id` for an evaluation of one persona.
#[server(endpoint = "start_evaluation")]
pub async fn start_evaluation(
    #[server(default)] target: String,
    #[server(default)] title: String,
) -> Result<EvaluationId, AppError> {
    use super::context::{redirect_to, serve};
    use crate::types::SpaceId;
    let result = serve(async |ctx, actor| {
        let (space, persona) = target.split_once('/').unwrap_or((target.as_str(), ""));
        let space: SpaceId = space
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("target", "choose what to evaluate"))?;
        crate::domain::evaluation::start(ctx, actor, &space, persona, &title).await
    })
    .await;
    if let Ok(id) = &result {
        redirect_to(&format!("/evaluations/{id}"));
    }
    result
}

/// One evaluation. `step`: the step the page opens on (out of range: the remembered one),
/// remembered for those who may edit the evaluation, so a return resumes there.
#[server(endpoint = "get_evaluation")]
pub async fn get_evaluation(
    id: EvaluationId,
    #[server(default)] step: Option<u8>,
) -> Result<EvaluationView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        let mut view = crate::domain::evaluation::view(ctx, actor, &id).await?;
        if let Some(step) =
            step.filter(|s| (1..=crate::domain::evaluation::manage::LAST_STEP).contains(s))
        {
            if view.can_edit {
                crate::domain::evaluation::set_step(ctx, actor, &id, step).await?;
            }
            view.step = step;
        }
        Ok(view)
    })
    .await
}

#[server(endpoint = "attest_item")]
pub async fn attest_item(
    evaluation_id: EvaluationId,
    #[server(default)] item: String,
    #[server(default)] statement: String,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::evaluation::attest(ctx, actor, &evaluation_id, &item, &statement)
            .await
            // Named per item, so the page shows the error at the form it belongs to.
            .map_err(|e| match e {
                AppError::Invalid { field, message } => AppError::Invalid {
                    field: format!("{field}:{item}"),
                    message,
                },
                other => other,
            })
    })
    .await
}

/// Completes a run (a snapshot of the report); answers the level reached.
#[server(endpoint = "complete_evaluation")]
pub async fn complete_evaluation(evaluation_id: EvaluationId) -> Result<u8, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::evaluation::complete(ctx, actor, &evaluation_id).await)
        .await
}

#[server(endpoint = "share_evaluation")]
pub async fn share_evaluation(
    evaluation_id: EvaluationId,
    #[server(default)] days: String,
) -> Result<NewShareView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::evaluation::share::create(ctx, actor, &evaluation_id, &days).await
    })
    .await
}

#[server(endpoint = "revoke_evaluation_share")]
pub async fn revoke_evaluation_share(share_id: ShareId) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::evaluation::share::revoke(ctx, actor, &share_id).await)
        .await
}

/// The report behind a share link. No sign-in: anything but a live link is "not found".
#[server(endpoint = "get_shared_report")]
pub async fn get_shared_report(secret: String) -> Result<ReportView, AppError> {
    use super::context::{ctx, with_status};
    let result = async {
        let ctx = ctx()?;
        crate::domain::evaluation::share::open(&ctx, &secret).await
    }
    .await;
    with_status(result)
}
