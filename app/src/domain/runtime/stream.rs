//! What a stream sends when it opens: the events a reconnecting runtime missed (from the
//! bounded window), or, when it missed more than the window holds, one `policy_changed`
//! hint telling it to fetch every policy again.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::changes::{POLICY_CHANGED, REPLAY_WINDOW};
use super::hub::{StreamEvent, head};
use crate::AppError;
use crate::domain::Ctx;
use crate::domain::entities::{space, stream_event};
use crate::domain::tokens::authenticate::RuntimeToken;
use crate::types::RuntimeScope;

/// Where a stream starts.
#[derive(Debug)]
pub struct Opening {
    /// Sent first, in id order.
    pub backlog: Vec<StreamEvent>,
    /// The newest id the stream has accounted for; live events up to it are skipped.
    pub last: i64,
}

/// May this token open a stream? (Checked before subscribing.)
pub fn authorize(token: &RuntimeToken) -> Result<(), AppError> {
    token.require(RuntimeScope::StreamRead)
}

/// The backlog after `last_event_id` (none: start from now).
pub async fn opening(
    ctx: &Ctx,
    token: &RuntimeToken,
    last_event_id: Option<i64>,
) -> Result<Opening, AppError> {
    authorize(token)?;
    let space_id = token.space_id.as_str();
    let newest = head(&ctx.db, space_id).await?;
    let Some(after) = last_event_id else {
        return Ok(Opening {
            backlog: Vec::new(),
            last: newest,
        });
    };
    if after == newest {
        return Ok(Opening {
            backlog: Vec::new(),
            last: newest,
        });
    }
    let missed: Vec<StreamEvent> = if after < newest && newest - after <= REPLAY_WINDOW {
        stream_event::Entity::find()
            .filter(stream_event::Column::SpaceId.eq(space_id))
            .filter(stream_event::Column::Seq.gt(after))
            .filter(stream_event::Column::Seq.lte(newest))
            .order_by_asc(stream_event::Column::Seq)
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(StreamEvent::from)
            .collect()
    } else {
        Vec::new()
    };
    // Complete only if every id after `after` is there (none pruned, none from the future).
    let complete = i64::try_from(missed.len()).is_ok_and(|n| n == newest - after);
    if complete {
        return Ok(Opening {
            backlog: missed,
            last: newest,
        });
    }
    let version = space::Entity::find_by_id(space_id)
        .one(&ctx.db)
        .await?
        .ok_or(AppError::NotFound)?
        .policy_version;
    Ok(Opening {
        backlog: vec![resync(newest, version)],
        last: newest,
    })
}

/// "You missed too much: fetch every policy again." `persona_id` null means all of them.
pub fn resync(seq: i64, version: i64) -> StreamEvent {
    StreamEvent {
        seq,
        kind: POLICY_CHANGED.into(),
        payload: serde_json::json!({
            "persona_id": null,
            "version": version,
            "resync": true,
        })
        .to_string(),
    }
}
