//! `GET /live/activity?space=…`: the Activity page's live connection. A Server-Sent
//! Events stream that says `activity` whenever decisions or events of the space were
//! written, so the open page refreshes without a reload. Session-authenticated, and
//! authorized by the same domain rule as the page.

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

use app::AppError;
use app::domain::Actor;
use app::domain::activity::feed::may_watch;
use app::types::SpaceId;

use crate::runtime::stream::stopping;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LiveParams {
    space: String,
}

/// Several writes close together reach the page as one refresh.
const SETTLE: Duration = Duration::from_millis(250);

pub async fn activity(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(params): Query<LiveParams>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return AppError::Unauthenticated.into_response();
    };
    let Ok(space) = params.space.parse::<SpaceId>() else {
        return AppError::NotFound.into_response();
    };
    if let Err(e) = may_watch(&state.ctx, &actor, &space).await {
        return e.into_response();
    }
    let hub = &state.ctx.runtime.hub;
    let feed = hub.activity_feed();
    let closing = hub.closing();
    let space = space.to_string();
    let events = stream::unfold(
        (feed, closing, space),
        |(mut feed, mut closing, space)| async move {
            loop {
                let news = tokio::select! {
                    news = feed.recv() => news,
                    () = stopping(&mut closing) => return None,
                };
                match news {
                    Ok(s) if s == space => {
                        tokio::time::sleep(SETTLE).await;
                        // What arrived meanwhile is covered by this one refresh.
                        while feed.try_recv().is_ok() {}
                        let event = Event::default().event("activity").data("{}");
                        return Some((Ok::<_, Infallible>(event), (feed, closing, space)));
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        let event = Event::default().event("activity").data("{}");
                        return Some((Ok(event), (feed, closing, space)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
