//! The Activity page: runtime decisions and events of a space.

use leptos::prelude::*;

use crate::AppError;
use crate::types::{ActivityFilter, ActivityView};

#[server(endpoint = "get_activity")]
pub async fn get_activity(
    #[server(default)] filter: ActivityFilter,
) -> Result<ActivityView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::activity::activity(ctx, actor, &filter).await).await
}
