//! `GET /live/console`: every open console page's live connection. A Server-Sent Events
//! stream that says `switches` whenever a kill-switch changes in a space the member
//! reaches (a tenant-wide switch is announced in every space), so the banner across the
//! top of every page appears and clears without a reload. It listens to the same
//! per-space fan-out as the runtime streams: what the console shows is what runtimes hear.

use axum::Extension;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

use app::AppError;
use app::domain::Actor;

use crate::runtime::stream::stopping;
use crate::state::AppState;

pub async fn console(State(state): State<AppState>, actor: Option<Extension<Actor>>) -> Response {
    let Some(Extension(actor)) = actor else {
        return AppError::Unauthenticated.into_response();
    };
    let spaces = match app::domain::spaces::reachable(&state.ctx, &actor).await {
        Ok((_, spaces)) => spaces,
        Err(e) => return e.into_response(),
    };
    let hub = &state.ctx.runtime.hub;
    let mut feeds = Vec::with_capacity(spaces.len());
    for space in &spaces {
        match hub.subscribe(&state.ctx.db, &space.id).await {
            Ok(feed) => feeds.push(feed),
            Err(e) => return e.into_response(),
        }
    }
    // One stream of "a switch changed" out of every space's feed.
    let changes = stream::select_all(feeds.into_iter().map(|feed| {
        stream::unfold(feed, |mut feed| async move {
            loop {
                match feed.recv().await {
                    Ok(event) if event.kind == "kill_switch" => return Some(((), feed)),
                    Ok(_) => {}
                    // Fell behind: something may have changed; refresh to be sure.
                    Err(RecvError::Lagged(_)) => return Some(((), feed)),
                    Err(RecvError::Closed) => return None,
                }
            }
        })
        .boxed()
    }));
    let closing = hub.closing();
    let events = stream::unfold(
        (changes, closing),
        |(mut changes, mut closing)| async move {
            tokio::select! {
                next = changes.next() => next.map(|()| {
                    let event = Event::default().event("switches").data("{}");
                    (Ok::<_, Infallible>(event), (changes, closing))
                }),
                () = stopping(&mut closing) => None,
            }
        },
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
