//! `GET stream`: Server-Sent Events for the token's space. Opens with what a reconnecting
//! runtime missed (`Last-Event-ID`), then live events; ends when the token is revoked
//! (within a second: revocation is pushed, not polled) or expires.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

use app::domain::Ctx;
use app::domain::runtime::hub::StreamEvent;
use app::domain::runtime::stream::{authorize, opening};
use app::domain::tokens::authenticate::{RuntimeToken, still_valid};

use super::error::ApiError;
use super::extract::Bearer;
use crate::state::AppState;

/// Comments at least this often keep proxies from closing an idle stream.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

struct Open {
    ctx: Ctx,
    token: std::sync::Arc<RuntimeToken>,
    backlog: VecDeque<StreamEvent>,
    last: i64,
    live: broadcast::Receiver<Arc<StreamEvent>>,
    revoked: broadcast::Receiver<String>,
    closing: tokio::sync::watch::Receiver<bool>,
}

fn to_sse(event: &StreamEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event(event.kind.as_str())
        .data(event.payload.as_str())
}

async fn next(mut open: Open) -> Option<(Result<Event, Infallible>, Open)> {
    loop {
        if let Some(event) = open.backlog.pop_front() {
            open.last = open.last.max(event.seq);
            return Some((Ok(to_sse(&event)), open));
        }
        let until_expiry = (open.token.expires_at - app::domain::now())
            .try_into()
            .unwrap_or(Duration::ZERO);
        let wake = tokio::select! {
            live = open.live.recv() => Wake::Live(live),
            revoked = open.revoked.recv() => Wake::Revoked(revoked),
            () = tokio::time::sleep(until_expiry) => Wake::End,
            () = stopping(&mut open.closing) => Wake::End,
        };
        match wake {
            Wake::Live(Ok(event)) if event.seq > open.last => {
                open.last = event.seq;
                return Some((Ok(to_sse(&event)), open));
            }
            Wake::Live(Ok(_)) => {}
            // Fell behind the live channel: read what was missed from the database.
            // Boxed, like the check below: inline, these rare database reads would size
            // the future that every idle stream holds while it waits.
            Wake::Live(Err(RecvError::Lagged(_))) => {
                let caught_up = Box::pin(opening(&open.ctx, &open.token, Some(open.last)))
                    .await
                    .ok()?;
                open.backlog = caught_up.backlog.into();
            }
            Wake::Revoked(Ok(id)) if id == open.token.id.as_str() => return None,
            Wake::Revoked(Ok(_)) => {}
            // Missed some revocations: ask the database whether this token is one.
            Wake::Revoked(Err(RecvError::Lagged(_))) => {
                if !Box::pin(still_valid(&open.ctx, &open.token)).await {
                    return None;
                }
            }
            Wake::Live(Err(RecvError::Closed))
            | Wake::Revoked(Err(RecvError::Closed))
            | Wake::End => return None,
        }
    }
}

enum Wake {
    Live(Result<Arc<StreamEvent>, RecvError>),
    Revoked(Result<String, RecvError>),
    End,
}

/// Resolves once the server starts shutting down.
pub async fn stopping(closing: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = closing.wait_for(|c| *c).await;
}

fn event_stream(open: Open) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(open, next)
}

#[utoipa::path(
    get,
    path = "/api/runtime/v1/stream",
    params(("Last-Event-ID" = Option<String>, Header,
            description = "The last event id received; the stream replays what came after")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "text/event-stream of `kill_switch`, `policy_changed` \
         and `approval_decided` events, with a comment heartbeat every 10 s",
         content_type = "text/event-stream", body = String),
        (status = 400, body = super::schema::ErrorBody),
        (status = 401, body = super::schema::ErrorBody),
        (status = 403, body = super::schema::ErrorBody),
    ),
    tag = "runtime"
)]
pub async fn get_stream(
    State(state): State<AppState>,
    Bearer(token): Bearer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let scope = "stream:read";
    authorize(&token).map_err(|e| ApiError::from_domain(e, scope))?;
    let last_event_id = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    ApiError::invalid("Last-Event-ID", "must be an event id this stream sent")
                })?,
        ),
    };
    let ctx = state.ctx.clone();
    // Subscribe before reading the backlog, so nothing falls between the two.
    let revoked = ctx.runtime.hub.revocations();
    let closing = ctx.runtime.hub.closing();
    let live = ctx
        .runtime
        .hub
        .subscribe(&ctx.db, token.space_id.as_str())
        .await
        .map_err(|e| ApiError::from_domain(e, scope))?;
    let start = opening(&ctx, &token, last_event_id)
        .await
        .map_err(|e| ApiError::from_domain(e, scope))?;
    let open = Open {
        ctx,
        token,
        backlog: start.backlog.into(),
        last: start.last,
        live,
        revoked,
        closing,
    };
    let mut response = Sse::new(event_stream(open))
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("heartbeat"))
        .into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx would otherwise buffer the stream.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn future_size<F: std::future::Future>(_: fn(Open) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    /// Every idle stream holds this future while it waits, so its size is paid once per
    /// open stream: with the database reads inline it was 2,176 bytes (test build), with
    /// them boxed 792.
    #[test]
    fn an_idle_streams_future_stays_small() {
        let size = future_size(next);
        assert!(size <= 1024, "the waiting stream's future is {size} bytes");
    }
}
