use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

use crate::config::WebConfig;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: app::domain::Ctx,
    pub web: Arc<WebConfig>,
}
