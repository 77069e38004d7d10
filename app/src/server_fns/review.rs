use leptos::prelude::*;

use crate::AppError;
use crate::types::{ReviewFilter, ReviewQueueView};

#[server(endpoint = "get_review_queue")]
pub async fn get_review_queue(
    #[server(default)] filter: ReviewFilter,
) -> Result<ReviewQueueView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::review::queue(ctx, actor, &filter).await).await
}

/// `verdict` is `approve` or `reject`; a rejection needs a comment.
#[server(endpoint = "decide_review")]
pub async fn decide_review(
    item_id: String,
    verdict: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use super::context::serve;
    use crate::types::ReviewDecision;
    let decision = ReviewDecision {
        item_id,
        verdict,
        comment,
    };
    serve(async |ctx, actor| crate::domain::review::decide(ctx, actor, &decision).await).await
}
