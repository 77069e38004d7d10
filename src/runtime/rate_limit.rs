//! Per-token rate limiting (tower_governor): each bearer credential has its own bucket,
//! keyed by a hash of it, so one noisy runtime cannot starve the others and the limiter
//! never holds a token in memory. Requests without a credential share one bucket.

use axum::body::Body;
use axum::http::{Request, Response, header};
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tower_governor::GovernorError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;

use super::error::ApiError;

#[derive(Debug, Clone, Copy)]
pub struct BearerKey;

impl KeyExtractor for BearerKey {
    type Key = [u8; 16];

    fn extract<T>(&self, request: &Request<T>) -> Result<Self::Key, GovernorError> {
        let credential = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        let digest = Sha256::digest(credential);
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        Ok(key)
    }
}

/// Requests per second per token, and how many may come at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            per_second: 1000,
            burst: 2000,
        }
    }
}

pub type Config = GovernorConfig<BearerKey, governor::middleware::NoOpMiddleware>;

pub fn config(limit: RateLimit) -> Option<Arc<Config>> {
    let nanos = 1_000_000_000 / u64::from(limit.per_second.max(1));
    GovernorConfigBuilder::default()
        .per_nanosecond(nanos.max(1))
        .burst_size(limit.burst.max(1))
        .key_extractor(BearerKey)
        .finish()
        .map(Arc::new)
}

/// The contract's 429: JSON, with `Retry-After`.
pub fn refuse(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            ApiError::rate_limited(wait_time).into_response()
        }
        _ => ApiError::unauthenticated().into_response(),
    }
}

/// Forgets buckets of credentials not seen lately, so garbage tokens cannot grow memory.
pub fn spawn_cleanup(config: Arc<Config>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            config.limiter().retain_recent();
        }
    });
}
