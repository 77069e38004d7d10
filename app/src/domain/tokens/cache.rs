//! Tokens that passed recently, so the runtime API's hot path does not query the
//! database on every request. Revoking or rotating a token forgets it before the console
//! action returns (so "the next request" fails); anything else (a change made outside
//! this process, such as `persona-console token revoke` against a running server)
//! is picked up within `FRESH_FOR`.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::authenticate::RuntimeToken;

/// How long a cached check is trusted before the database is asked again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// More distinct tokens than this at once: the cache starts over rather than grow.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
pub struct TokenCache {
    /// By the token's SHA-256 (never the token itself).
    entries: RwLock<HashMap<String, (RuntimeToken, Instant)>>,
}

impl TokenCache {
    /// A fresh, unexpired entry for this hash.
    pub fn get(&self, hash: &str, at: time::OffsetDateTime) -> Option<RuntimeToken> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let (token, cached) = entries.get(hash)?;
        (cached.elapsed() < FRESH_FOR && token.expires_at > at).then(|| token.clone())
    }

    pub fn put(&self, hash: String, token: RuntimeToken) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(hash, (token, Instant::now()));
    }

    /// Forgets a token by id (revoked or rotated): its next request asks the database.
    pub fn forget(&self, token_id: &str) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (token, _)| token.id.as_str() != token_id);
    }
}
