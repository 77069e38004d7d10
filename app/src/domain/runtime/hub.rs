//! Fan-out of committed changes to open streams, and of token revocations to the streams
//! they must close. After a commit the hub reads the space's new stream events from the
//! database in id order and broadcasts them; it never trusts in-memory payloads, so what
//! a live stream sees is exactly what a replay would.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast;

use crate::AppError;
use crate::domain::entities::{space, stream_event};

/// A stream event as sent: `id`, `event` and the JSON `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEvent {
    pub seq: i64,
    pub kind: String,
    pub payload: String,
}

impl From<stream_event::Model> for StreamEvent {
    fn from(m: stream_event::Model) -> Self {
        Self {
            seq: m.seq,
            kind: m.kind,
            payload: m.payload,
        }
    }
}

/// Live events a slow stream may fall behind by before it re-reads from the database.
const CHANNEL_CAPACITY: usize = 256;

#[derive(Debug)]
struct SpaceChannel {
    tx: broadcast::Sender<Arc<StreamEvent>>,
    /// The newest id broadcast; the lock also keeps two pumps of one space in order.
    pumped: Arc<tokio::sync::Mutex<i64>>,
}

#[derive(Debug)]
pub struct Hub {
    spaces: Mutex<HashMap<String, SpaceChannel>>,
    revoked: broadcast::Sender<String>,
    activity: broadcast::Sender<String>,
    closing: tokio::sync::watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            closing: tokio::sync::watch::Sender::new(false),
            spaces: Mutex::default(),
            revoked: broadcast::channel(CHANNEL_CAPACITY).0,
            activity: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }
}

/// The newest stream event id of a space.
pub async fn head(db: &DatabaseConnection, space_id: &str) -> Result<i64, AppError> {
    space::Entity::find_by_id(space_id)
        .select_only()
        .column(space::Column::EventSeq)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

impl Hub {
    /// Live events of a space from now on.
    pub async fn subscribe(
        &self,
        db: &DatabaseConnection,
        space_id: &str,
    ) -> Result<broadcast::Receiver<Arc<StreamEvent>>, AppError> {
        if let Some(channel) = self.lock().get(space_id) {
            return Ok(channel.tx.subscribe());
        }
        let current = head(db, space_id).await?;
        let mut spaces = self.lock();
        let channel = spaces
            .entry(space_id.to_string())
            .or_insert_with(|| SpaceChannel {
                tx: broadcast::channel(CHANNEL_CAPACITY).0,
                pumped: Arc::new(tokio::sync::Mutex::new(current)),
            });
        Ok(channel.tx.subscribe())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SpaceChannel>> {
        self.spaces.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Broadcasts what committed in `space_id` since the last pump. Spaces nobody
    /// listens to cost nothing (and forget their channel once the last stream closed).
    pub async fn pump(&self, db: &DatabaseConnection, space_id: &str) -> Result<(), AppError> {
        let (tx, pumped) = {
            let mut spaces = self.lock();
            match spaces.get(space_id) {
                Some(c) if c.tx.receiver_count() == 0 => {
                    spaces.remove(space_id);
                    return Ok(());
                }
                Some(c) => (c.tx.clone(), c.pumped.clone()),
                None => return Ok(()),
            }
        };
        let mut pumped = pumped.lock().await;
        let new = stream_event::Entity::find()
            .filter(stream_event::Column::SpaceId.eq(space_id))
            .filter(stream_event::Column::Seq.gt(*pumped))
            .order_by_asc(stream_event::Column::Seq)
            .all(db)
            .await?;
        for event in new {
            *pumped = event.seq;
            // No receivers left is not an error: the next subscriber starts from the DB.
            let _ = tx.send(Arc::new(event.into()));
        }
        Ok(())
    }

    /// Closes every stream of this token (they listen for their own id).
    pub fn revoked(&self, token_id: &str) {
        let _ = self.revoked.send(token_id.to_string());
    }

    pub fn revocations(&self) -> broadcast::Receiver<String> {
        self.revoked.subscribe()
    }

    /// New decisions or events were written for the space (the console's Activity page).
    pub fn activity(&self, space_id: &str) {
        let _ = self.activity.send(space_id.to_string());
    }

    pub fn activity_feed(&self) -> broadcast::Receiver<String> {
        self.activity.subscribe()
    }

    /// The server is stopping: every open stream ends, so shutdown is not held up.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Open streams across all spaces (for the readiness page and tests).
    pub fn listeners(&self) -> usize {
        self.lock().values().map(|c| c.tx.receiver_count()).sum()
    }
}
