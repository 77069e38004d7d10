use leptos::prelude::*;

use crate::AppError;
use crate::types::OverviewView;

#[server(endpoint = "get_overview")]
pub async fn get_overview() -> Result<OverviewView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::tenants::get_overview(ctx, actor).await).await
}
