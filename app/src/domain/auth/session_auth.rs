//! What a signed-in session holds, and the absolute session lifetime.

use serde::{Deserialize, Serialize};

/// The session key under which `SessionAuth` is stored.
pub const SESSION_KEY: &str = "auth";
/// Sessions end this long after sign-in, however active (the idle timeout is separate).
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;
/// Sessions end after this long without a request.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: String,
    pub tenant_id: String,
    /// Unix seconds of the sign-in.
    pub authenticated_at: i64,
}

impl SessionAuth {
    pub fn expired(&self, now_unix: i64) -> bool {
        now_unix - self.authenticated_at >= ABSOLUTE_TIMEOUT_SECS
            || now_unix < self.authenticated_at - 300
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_absolute_timeout_is_twelve_hours() {
        let auth = SessionAuth {
            user_id: "u".into(),
            tenant_id: "t".into(),
            authenticated_at: 1_000,
        };
        assert!(!auth.expired(1_000 + ABSOLUTE_TIMEOUT_SECS - 1));
        assert!(auth.expired(1_000 + ABSOLUTE_TIMEOUT_SECS));
        // A sign-in time far in the future is not trusted either.
        assert!(auth.expired(0));
    }
}
