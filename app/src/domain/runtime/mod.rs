//! The runtime plane's services: what `src/runtime` handlers call for a runtime token.
//! Each takes the authenticated `RuntimeToken` as its actor and checks, here and once,
//! the scope it needs and that what it asks about lies inside the token's space (and
//! app and persona, when the token is narrowed): anything outside is `NotFound`, never
//! a hint that it exists elsewhere.

pub mod approvals;
pub mod background_writer;
pub mod cache;
pub mod changes;
pub mod decision_log;
pub mod decisions;
pub mod events;
pub mod hub;
pub mod policy;
pub mod snapshot;
pub mod stream;
pub mod thread_priority;

use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::AppError;

/// Shared state of the runtime plane, one per server.
#[derive(Debug, Default)]
pub struct Runtime {
    pub cache: cache::PolicyCache,
    pub hub: hub::Hub,
    pub log: decision_log::DecisionLog,
    /// Serializes opening approvals, so one request repeated concurrently opens one item.
    pub opening: tokio::sync::Mutex<()>,
    /// Runtime tokens that passed recently (no database query per request).
    pub tokens: crate::domain::tokens::cache::TokenCache,
    pub approval_expiry: approvals::ApprovalExpiry,
    /// Serializes kill-switch changes (engage, release, drill) within this instance.
    pub switching: tokio::sync::Mutex<()>,
}

impl Runtime {
    /// Commits a change to what runtimes of `spaces` may do: snapshots are dropped under
    /// the cache's gate, then the stream events the change appended are broadcast.
    pub async fn commit(
        &self,
        db: &DatabaseConnection,
        txn: DatabaseTransaction,
        spaces: &[String],
    ) -> Result<(), AppError> {
        self.cache.commit(txn, spaces).await?;
        for space in spaces {
            if let Err(e) = self.hub.pump(db, space).await {
                // Committed all the same; streams catch up on the next change or replay.
                tracing::warn!(error = %e, space, "could not broadcast a committed change");
            }
        }
        Ok(())
    }

    /// A token was revoked or rotated (its expiry moved): its cached check is forgotten
    /// and its open streams end. A revoked token cannot reopen them; a rotated one
    /// reopens at once (SSE clients reconnect, replaying from `Last-Event-ID`) and its
    /// new streams end at the shortened expiry.
    pub fn token_changed(&self, token_id: &str) {
        self.tokens.forget(token_id);
        self.hub.revoked(token_id);
    }
}

/// The persona a token asks about, if it lies inside the token's reach.
pub(crate) fn persona_in_scope<'s>(
    token: &crate::domain::tokens::authenticate::RuntimeToken,
    snapshot: &'s snapshot::SpaceSnapshot,
    persona_id: &str,
) -> Result<&'s snapshot::PersonaEntry, AppError> {
    if !token.reaches_persona(persona_id) {
        return Err(AppError::NotFound);
    }
    snapshot.personas.get(persona_id).ok_or(AppError::NotFound)
}

/// The app a request acts through: the token's own app when it is narrowed to one (a
/// request naming another is outside its reach), else the app the request names, which
/// must be one of the space's.
pub(crate) fn app_in_scope<'a>(
    token: &'a crate::domain::tokens::authenticate::RuntimeToken,
    snapshot: &snapshot::SpaceSnapshot,
    asked: Option<&'a str>,
) -> Result<Option<&'a str>, AppError> {
    match (token.app_id.as_ref().map(|a| a.as_str()), asked) {
        (Some(own), Some(asked)) if own != asked => Err(AppError::NotFound),
        (Some(own), _) => Ok(Some(own)),
        (None, Some(asked)) if !snapshot.apps.contains(asked) => Err(AppError::NotFound),
        (None, asked) => Ok(asked),
    }
}
