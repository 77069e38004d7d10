//! What a new password must be. Length matters most (NIST SP 800-63B): at least 12
//! characters, at most 128, not one character repeated, not the email, not a known-bad one.

use crate::AppError;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

const COMMON: &[&str] = &[
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "letmein12345",
    "administrator",
    "passwordpassword",
    "iloveyou1234",
    "welcome12345",
    "changeme1234",
];

pub fn check_new_password(password: &str, email: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    let reject = |message: &str| Err(AppError::invalid("password", message));
    if chars < MIN_CHARS {
        return reject("must be at least 12 characters long");
    }
    if chars > MAX_CHARS {
        return reject("must be at most 128 characters long");
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return reject("needs more variety than a few repeated characters");
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if lower == email || (local.len() >= 4 && lower.contains(local)) {
        return reject("must not contain your email address");
    }
    if COMMON.contains(&lower.as_str()) {
        return reject("is too common; choose another");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<(), AppError>) -> Option<String> {
        match r {
            Err(AppError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn accepts_a_long_varied_password() {
        assert_eq!(
            check_new_password("tangerine-orbit-42", "ann@example.com"),
            Ok(())
        );
    }

    #[test]
    fn rejects_short_long_monotonous_personal_and_common() {
        let email = "ann.smith@example.com";
        for bad in [
            "short1",
            &"x".repeat(129),
            "aaaaaaaaaaaaaaaa",
            "ann.smith-rocks-2026",
            "Password1234",
        ] {
            assert_eq!(
                field_of(check_new_password(bad, email)).as_deref(),
                Some("password"),
                "{bad}"
            );
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Twelve multi-byte characters are twelve characters.
        assert_eq!(check_new_password("ÄÖÜäöüßéèêëï", "x@example.com"), Ok(()));
    }
}
