//! Tokens that passed recently, so the runtime API's hot path does not query the
//! database on every request. Revoking or rotating a token forgets it before the console
//! action returns (so "the next request" fails); anything else (a change made outside
//! this process, such as `persona-console token revoke` against a running server)
//! is picked up within `FRESH_FOR` plus one database round trip.
//!
//! An entry past `FRESH_FOR` is re-checked by one request, in the background, while the
//! others go on with it for at most another `FRESH_FOR`: without that, every connection
//! of a busy runtime missed at once every few seconds and queued on the database (the
//! stalls in the runtime benchmark's tail).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::authenticate::RuntimeToken;

/// How long a cached check is trusted before the database is asked again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// More distinct tokens than this at once: the cache starts over rather than grow.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
struct Entry {
    token: Arc<RuntimeToken>,
    checked: Instant,
    /// Set by the one request that re-checks a stale entry.
    refreshing: AtomicBool,
}

/// What the cache knows about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cached {
    /// Checked within `FRESH_FOR`.
    Fresh(Arc<RuntimeToken>),
    /// Older, and this caller is the one to re-check it (others get `Fresh` meanwhile).
    Recheck(Arc<RuntimeToken>),
    /// Unknown or too old: ask the database now.
    Miss,
}

#[derive(Debug, Default)]
pub struct TokenCache {
    /// By the token's SHA-256 (never the token itself).
    entries: RwLock<HashMap<String, Entry>>,
}

impl TokenCache {
    pub fn get(&self, hash: &str, at: time::OffsetDateTime) -> Cached {
        self.get_as_of(hash, at, Instant::now())
    }

    fn get_as_of(&self, hash: &str, at: time::OffsetDateTime, now: Instant) -> Cached {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get(hash) else {
            return Cached::Miss;
        };
        if entry.token.expires_at <= at {
            return Cached::Miss;
        }
        let age = now.saturating_duration_since(entry.checked);
        if age < FRESH_FOR {
            Cached::Fresh(entry.token.clone())
        } else if age < 2 * FRESH_FOR {
            if entry.refreshing.swap(true, Ordering::AcqRel) {
                Cached::Fresh(entry.token.clone())
            } else {
                Cached::Recheck(entry.token.clone())
            }
        } else {
            Cached::Miss
        }
    }

    pub fn put(&self, hash: String, token: Arc<RuntimeToken>) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            hash,
            Entry {
                token,
                checked: Instant::now(),
                refreshing: AtomicBool::new(false),
            },
        );
    }

    /// Forgets one entry by hash (a re-check found the token gone).
    pub fn forget_hash(&self, hash: &str) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(hash);
    }

    /// Forgets a token by id (revoked or rotated): its next request asks the database.
    pub fn forget(&self, token_id: &str) {
        self.entries
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, entry| entry.token.id.as_str() != token_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{RuntimeScope, SpaceId, TenantId, TokenId};

    fn token() -> Arc<RuntimeToken> {
        Arc::new(RuntimeToken {
            id: TokenId::from_db("t1".into()),
            tenant_id: TenantId::from_db("tenant".into()),
            space_id: SpaceId::from_db("space".into()),
            app_id: None,
            persona_id: None,
            scopes: vec![RuntimeScope::PolicyRead],
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(1),
        })
    }

    #[test]
    fn a_stale_entry_is_rechecked_by_one_request_while_the_others_go_on() {
        let cache = TokenCache::default();
        let at = time::OffsetDateTime::now_utc();
        cache.put("h".into(), token());
        let start = Instant::now();
        let after = |s: u64| start + Duration::from_secs(s);
        assert!(matches!(
            cache.get_as_of("h", at, after(1)),
            Cached::Fresh(_)
        ));
        assert!(matches!(
            cache.get_as_of("h", at, after(6)),
            Cached::Recheck(_)
        ));
        assert!(matches!(
            cache.get_as_of("h", at, after(6)),
            Cached::Fresh(_)
        ));
        assert!(matches!(cache.get_as_of("h", at, after(11)), Cached::Miss));
        // A re-check that passed starts the clock again.
        cache.put("h".into(), token());
        assert!(matches!(cache.get("h", at), Cached::Fresh(_)));
        cache.forget("t1");
        assert!(matches!(cache.get("h", at), Cached::Miss));
        assert!(matches!(cache.get("other", at), Cached::Miss));
    }

    #[test]
    fn an_expired_token_is_never_served_from_the_cache() {
        let cache = TokenCache::default();
        cache.put("h".into(), token());
        let later = time::OffsetDateTime::now_utc() + time::Duration::days(2);
        assert!(matches!(cache.get("h", later), Cached::Miss));
    }
}
