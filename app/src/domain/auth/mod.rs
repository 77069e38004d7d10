//! Signing in: password hashing, the password policy, throttling, and sessions' contents.

pub mod login;
pub mod password_policy;
pub mod passwords;
pub mod session_auth;
pub mod throttle;
