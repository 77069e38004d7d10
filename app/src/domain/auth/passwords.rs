//! Argon2id with explicit parameters, off the async runtime and behind a small semaphore
//! so a burst of logins cannot eat every core or gigabytes of memory.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::AppError;

/// OWASP's recommendation: m = 19 MiB, t = 2, p = 1.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;
/// At most this many hashes run at once (the machine has two cores).
const CONCURRENT_HASHES: usize = 2;

pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so both paths cost the same.
    dummy_hash: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").finish_non_exhaustive()
    }
}

fn argon2() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).map_err(|e| {
        tracing::error!(error = %e, "argon2 parameters rejected");
        AppError::Internal
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "argon2 hashing failed");
            AppError::Internal
        })
}

fn verify_now(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        tracing::error!("a stored password hash does not parse");
        return false;
    };
    // Verify with the parameters stored in the hash, so older hashes keep working.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

impl PasswordHasher {
    pub fn new() -> Result<Self, AppError> {
        use rand::distributions::{Alphanumeric, DistString};
        let throwaway = Alphanumeric.sample_string(&mut OsRng, 32);
        Ok(Self {
            permits: Arc::new(Semaphore::new(CONCURRENT_HASHES)),
            dummy_hash: hash_now(&throwaway)?,
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable)?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(|_| AppError::Internal)?
    }

    /// `None` as the hash means "no such account": the same work is done, and it fails.
    pub async fn verify(&self, hash: Option<String>, password: String) -> Result<bool, AppError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable)?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.clone());
        let ok = tokio::task::spawn_blocking(move || verify_now(&hash, &password))
            .await
            .map_err(|_| AppError::Internal)?;
        Ok(ok && known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_carry_the_explicit_parameters() -> Result<(), AppError> {
        let hasher = PasswordHasher::new()?;
        let hash = hasher.hash("correct horse battery".into()).await?;
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify(Some(hash.clone()), "correct horse battery".into())
                .await?
        );
        assert!(
            !hasher
                .verify(Some(hash), "wrong horse battery".into())
                .await?
        );
        Ok(())
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() -> Result<(), AppError> {
        let hasher = PasswordHasher::new()?;
        assert!(!hasher.verify(None, "anything at all".into()).await?);
        assert!(!hasher.verify(Some("not a hash".into()), "x".into()).await?);
        Ok(())
    }
}
