//! Policy snapshots per space, answered from memory, and the one rule that keeps them
//! honest: a change commits while holding the gate for writing and drops the snapshots it
//! touched before letting go, and every read holds the gate for reading. So no decision
//! can be answered from a snapshot older than a change that has committed.

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use super::snapshot::{SpaceSnapshot, load};
use crate::AppError;

#[derive(Debug, Default)]
pub struct PolicyCache {
    gate: tokio::sync::RwLock<()>,
    /// One builder at a time: a burst of requests after a change loads the space once.
    building: tokio::sync::Mutex<()>,
    spaces: RwLock<HashMap<String, Arc<SpaceSnapshot>>>,
}

impl PolicyCache {
    fn cached(&self, space_id: &str) -> Option<Arc<SpaceSnapshot>> {
        self.spaces
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(space_id)
            .cloned()
    }

    /// The space's snapshot, loaded on first use after a change.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        space_id: &str,
    ) -> Result<Arc<SpaceSnapshot>, AppError> {
        let _reading = self.gate.read().await;
        if let Some(snapshot) = self.cached(space_id) {
            return Ok(snapshot);
        }
        let _building = self.building.lock().await;
        if let Some(snapshot) = self.cached(space_id) {
            return Ok(snapshot);
        }
        let snapshot = Arc::new(load(db, space_id).await?);
        self.spaces
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(space_id.to_string(), snapshot.clone());
        Ok(snapshot)
    }

    /// Commits `txn` and forgets the snapshots of `spaces`, with no read in between.
    pub async fn commit(
        &self,
        txn: DatabaseTransaction,
        spaces: &[String],
    ) -> Result<(), AppError> {
        let _writing = self.gate.write().await;
        let committed = txn.commit().await;
        // Dropped even when the commit reports an error: it may have committed anyway.
        let mut cached = self.spaces.write().unwrap_or_else(PoisonError::into_inner);
        for space in spaces {
            cached.remove(space);
        }
        committed.map_err(AppError::from)
    }
}
