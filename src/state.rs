use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

use crate::config::WebConfig;

/// What every handler and middleware can reach. Behind one `Arc`: axum clones the state
/// for each layer and handler a request passes, and a plain struct made that cost a
/// copy of every `LeptosOptions` string several times per runtime API request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub ctx: app::domain::Ctx,
    pub web: WebConfig,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, ctx: app::domain::Ctx, web: WebConfig) -> Self {
        Self(Arc::new(Shared {
            leptos_options,
            ctx,
            web,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Leptos's handlers extract the options (console pages only, never the runtime API).
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
