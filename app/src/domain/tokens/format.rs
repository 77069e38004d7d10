//! The runtime token format: `psn_` + 32 random base62 characters + `_` + a 6-character
//! checksum of everything before it.
//!
//! The prefix makes a leaked token recognisable (secret scanners can match it); the
//! checksum (CRC-32 of the body, in base62) lets a mistyped or truncated token be refused
//! before any database lookup. Only a SHA-256 hash of the whole token is stored: the 32
//! random characters carry about 190 bits, so a fast hash is enough (no password KDF).

use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "psn_";
const SECRET_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
/// `psn_` + secret + `_` + checksum.
pub const TOKEN_LEN: usize = PREFIX.len() + SECRET_LEN + 1 + CHECKSUM_LEN;
/// What the console shows to tell tokens apart: `psn_` and the first 6 secret characters.
const VISIBLE_LEN: usize = PREFIX.len() + 6;

/// A freshly issued token. Its `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

impl std::fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenSecret({}…)", visible_prefix(&self.0))
    }
}

impl TokenSecret {
    pub fn generate() -> Self {
        Self(generate_prefixed(PREFIX))
    }

    /// The token itself, to show once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Why a presented token was refused before any lookup (for logs; clients only ever hear
/// "invalid token").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not a Persona runtime token (wrong length or prefix)")]
    Shape,
    #[error("a character outside base62")]
    Alphabet,
    #[error("the checksum does not match (mistyped or truncated)")]
    Checksum,
}

/// Checks the shape, the alphabet and the checksum. Cheap and allocation-free, so a
/// flood of garbage costs no database work.
pub fn check(raw: &str) -> Result<(), FormatError> {
    check_prefixed(PREFIX, raw)
}

/// A fresh secret in this format under another prefix (evaluation share links use it).
pub fn generate_prefixed(prefix: &str) -> String {
    let body = format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut OsRng, SECRET_LEN)
    );
    let sum = checksum(body.as_bytes());
    format!("{body}_{}", String::from_utf8_lossy(&sum))
}

/// `check` for a secret under another prefix.
///
/// Works on bytes: the input is whatever a client sent, and a multi-byte character
/// across the checksum separator must be refused, not split (slicing a `str` there
/// would panic).
pub fn check_prefixed(prefix: &str, raw: &str) -> Result<(), FormatError> {
    if raw.len() != prefix.len() + SECRET_LEN + 1 + CHECKSUM_LEN || !raw.starts_with(prefix) {
        return Err(FormatError::Shape);
    }
    let (body, rest) = raw.as_bytes().split_at(prefix.len() + SECRET_LEN);
    let Some((b'_', sum)) = rest.split_first() else {
        return Err(FormatError::Shape);
    };
    let secret = &body[prefix.len()..];
    if !secret.iter().chain(sum).all(u8::is_ascii_alphanumeric) {
        return Err(FormatError::Alphabet);
    }
    if checksum(body) != sum {
        return Err(FormatError::Checksum);
    }
    Ok(())
}

/// CRC-32 of the body in base62, left-padded with `0` to 6 characters (62⁶ > 2³²). On
/// the stack: every runtime request checks one.
fn checksum(body: &[u8]) -> [u8; CHECKSUM_LEN] {
    base62_padded(crc32fast::hash(body))
}

fn base62_padded(n: u32) -> [u8; CHECKSUM_LEN] {
    let mut digits = [0u8; CHECKSUM_LEN];
    // Six digits hold any u32, so the buffer is never too small.
    let len = base62::encode_bytes(n, &mut digits).unwrap_or(0);
    let mut padded = [b'0'; CHECKSUM_LEN];
    padded[CHECKSUM_LEN - len..].copy_from_slice(&digits[..len]);
    padded
}

/// The stored form: hex SHA-256 of the whole token.
pub fn hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

/// The few characters shown in lists (never enough to use the token).
pub fn visible_prefix(raw: &str) -> String {
    raw.chars().take(VISIBLE_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_tokens_have_the_documented_shape_and_pass() {
        for _ in 0..200 {
            let t = TokenSecret::generate();
            let raw = t.expose();
            assert_eq!(raw.len(), 43, "{raw}");
            assert!(raw.starts_with("psn_"));
            assert_eq!(&raw[36..37], "_");
            assert_eq!(check(raw), Ok(()));
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let t = TokenSecret::generate();
        let shown = format!("{t:?}");
        assert!(!shown.contains(&t.expose()[10..]), "{shown}");
        assert!(shown.starts_with("TokenSecret(psn_"));
    }

    #[test]
    fn malformed_tokens_are_refused_for_the_right_reason() {
        let good = TokenSecret::generate().expose().to_string();
        assert_eq!(check(""), Err(FormatError::Shape));
        assert_eq!(check(&good[..42]), Err(FormatError::Shape));
        assert_eq!(check(&format!("{good}x")), Err(FormatError::Shape));
        assert_eq!(
            check(&good.replacen("psn_", "pat_", 1)),
            Err(FormatError::Shape)
        );
        let mut no_sep = good.clone();
        no_sep.replace_range(36..37, "x");
        assert_eq!(check(&no_sep), Err(FormatError::Shape));
        let mut bad_char = good.clone();
        bad_char.replace_range(10..11, "-");
        assert_eq!(check(&bad_char), Err(FormatError::Alphabet));
        // A multi-byte character keeps the byte length but is not base62.
        let mut wide = good.clone();
        wide.replace_range(10..12, "é");
        assert_eq!(check(&wide), Err(FormatError::Alphabet));
        // One across the separator (bytes 35..37) is refused, not split: found by the
        // fuzz target, where slicing the text there panicked.
        let mut across = good.clone();
        across.replace_range(35..37, "é");
        assert_eq!(across.len(), TOKEN_LEN);
        assert_eq!(check(&across), Err(FormatError::Shape));
        let mut across_sum = good;
        across_sum.replace_range(41..43, "é");
        assert_eq!(check(&across_sum), Err(FormatError::Alphabet));
    }

    #[test]
    fn the_checksum_encoding_never_changes() {
        // Tokens already issued must keep passing: two computed outside Rust (Python's
        // zlib.crc32, base62 0-9A-Za-z).
        assert_eq!(check("psn_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_3pH8sA"), Ok(()));
        assert_eq!(check("psn_0123456789abcdefghijABCDEFGHIJ01_1P1Y09"), Ok(()));
        // Short values are left-padded with zeros, as the first format did.
        for n in [
            0,
            1,
            61,
            62,
            3_843,
            3_844,
            916_132_831,
            916_132_832,
            u32::MAX,
        ] {
            let first_format = format!("{:0>6}", base62::encode(n));
            assert_eq!(base62_padded(n), first_format.as_bytes(), "{n}");
        }
    }

    #[test]
    fn hashes_are_stable_hex_and_prefixes_short() {
        let raw = TokenSecret::generate().expose().to_string();
        assert_eq!(hash(&raw), hash(&raw));
        assert_eq!(hash(&raw).len(), 64);
        assert_eq!(visible_prefix(&raw).len(), 10);
        assert!(raw.starts_with(&visible_prefix(&raw)));
    }

    proptest! {
        /// Any one changed character of a valid token is caught before a lookup.
        #[test]
        fn a_single_changed_character_never_passes(pos in 4usize..43, c in "[A-Za-z0-9]") {
            let good = TokenSecret::generate().expose().to_string();
            prop_assume!(pos != 36 && good[pos..pos + 1] != c);
            let mut typo = good.clone();
            typo.replace_range(pos..pos + 1, &c);
            prop_assert!(check(&typo).is_err());
        }

        /// Arbitrary input never panics and (almost surely) never passes.
        #[test]
        fn arbitrary_input_is_refused_without_panicking(s in ".{0,64}") {
            prop_assert!(check(&s).is_err());
        }

        /// Text of exactly the token's byte length, with multi-byte characters anywhere,
        /// is refused without panicking.
        #[test]
        fn any_text_of_the_token_length_is_refused(tail in "[a-zA-Z0-9_é€]{0,39}") {
            let mut s = format!("{PREFIX}{tail}");
            while s.len() > TOKEN_LEN {
                s.pop();
            }
            while s.len() < TOKEN_LEN {
                s.push('a');
            }
            prop_assert!(check(&s).is_err());
        }
    }
}
