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
    /// For `trigger`: the switch's new trigger URL, shown once.
    #[serde(default)]
    pub trigger_url: Option<String>,
}

/// This console's origin as the browser sees it (for the trigger URLs it shows).
#[cfg(feature = "ssr")]
fn origin() -> String {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let header = |name: http::header::HeaderName| {
        parts
            .as_ref()
            .and_then(|p| p.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    header(http::header::ORIGIN)
        .or_else(|| header(http::header::HOST).map(|h| format!("http://{h}")))
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
}

/// `target` is `scope:id` (e.g. `persona:…`). `mode` is `engage` (the default; needs a
/// reason), `drill` (engage and release at once, for practice) or `trigger` (issue or
/// rotate the switch's trigger URL, shown once): the engage form's buttons.
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
                    trigger_url: None,
                })
            }
            "trigger" => {
                use crate::domain::killswitch::trigger::{PATH, issue_trigger};
                let issued = issue_trigger(ctx, actor, &target).await?;
                Ok(StopOutcome {
                    done: "trigger".into(),
                    propagation_ms: None,
                    trigger_url: Some(format!("{}{PATH}{}", origin(), issued.secret)),
                })
            }
            "" | "engage" => {
                engage(ctx, actor, &target, &reason).await?;
                Ok(StopOutcome {
                    done: "engaged".into(),
                    propagation_ms: None,
                    trigger_url: None,
                })
            }
            _ => Err(AppError::invalid(
                "mode",
                "must be engage, drill or trigger",
            )),
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

/// Removes a switch's trigger URL (it stops working at once).
#[server(endpoint = "remove_switch_trigger")]
pub async fn remove_switch_trigger(switch_id: String) -> Result<(), AppError> {
    use super::context::serve;
    serve(async |ctx, actor| {
        crate::domain::killswitch::trigger::remove_trigger(ctx, actor, &switch_id).await
    })
    .await
}
