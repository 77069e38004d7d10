use leptos::prelude::*;

use crate::AppError;
use crate::types::KillSwitchesView;

#[server(endpoint = "get_kill_switches")]
pub async fn get_kill_switches() -> Result<KillSwitchesView, AppError> {
    use super::context::serve;
    serve(async |ctx, actor| crate::domain::killswitch::switches(ctx, actor).await).await
}

/// What a drill measured, for the page to say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StopOutcome {
    /// `engaged` or `drilled`.
    pub done: String,
    /// For a drill: milliseconds until every connected runtime stream had the stop.
    pub propagation_ms: Option<i64>,
}

/// `target` is `scope:id` (e.g. `persona:…`). `mode` is `engage` (the default; needs a
/// reason) or `drill` (engage and release at once, for practice): the engage form's two
/// buttons.
#[server(endpoint = "stop_kill_switch")]
pub async fn stop_kill_switch(
    #[server(default)] target: String,
    #[server(default)] reason: String,
    #[server(default)] mode: String,
) -> Result<StopOutcome, AppError> {
    use super::context::serve;
    use crate::domain::killswitch::{SwitchTarget, drill, engage};
    use crate::domain::runtime::snapshot::SwitchScope;
    let parsed = target
        .split_once(':')
        .and_then(|(scope, id)| Some((SwitchScope::parse(scope)?, id)))
        .filter(|(_, id)| !id.is_empty())
        .map(|(scope, id)| SwitchTarget {
            scope,
            id: id.to_string(),
        });
    serve(async |ctx, actor| {
        let target = parsed.ok_or_else(|| AppError::invalid("target", "choose what to stop"))?;
        match mode.as_str() {
            "drill" => {
                let (_, drilled) = drill(ctx, actor, &target).await?;
                Ok(StopOutcome {
                    done: "drilled".into(),
                    propagation_ms: Some(drilled.propagation_ms),
                })
            }
            "" | "engage" => {
                engage(ctx, actor, &target, &reason).await?;
                Ok(StopOutcome {
                    done: "engaged".into(),
                    propagation_ms: None,
                })
            }
            _ => Err(AppError::invalid("mode", "must be engage or drill")),
        }
    })
    .await
}

/// Asks a second person (in the review queue) to release an engaged switch.
#[server(endpoint = "request_switch_release")]
pub async fn request_switch_release(
    switch_id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::killswitch::request_release(ctx, actor, &switch_id, &reason)
            .await
            .map(|_| ())
    })
    .await
}

/// Break glass: an owner releases at once, with a written reason.
#[server(endpoint = "release_switch_now")]
pub async fn release_switch_now(
    switch_id: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::killswitch::release_now(ctx, actor, &switch_id, &reason).await
    })
    .await
}
