//! Input checks shared by the services. Each returns the cleaned value or an
//! `Invalid { field, message }` that the page shows next to the field.

use crate::AppError;

pub use super::users::check_name;

/// Longest written reason (for a stop, a release, a promotion, a demotion).
pub const MAX_REASON: usize = 2000;

/// A written reason that must not be empty: the free-text check, then `why` (which says
/// who will read it) when nothing was written.
pub fn required_reason(raw: &str, why: &str) -> Result<String, AppError> {
    let reason = check_text("reason", raw, MAX_REASON)?;
    if reason.is_empty() {
        return Err(AppError::invalid("reason", why.to_string()));
    }
    Ok(reason)
}

/// Free text such as a description: trimmed, bounded, no control characters but newlines.
pub fn check_text(field: &str, text: &str, max_chars: usize) -> Result<String, AppError> {
    let text = text.trim();
    if text.chars().count() > max_chars {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_string())
}

/// A short machine name (environments, action names, system keys): lowercase letters,
/// digits, `-` and `_`, starting with a letter.
pub fn check_slug(field: &str, slug: &str, max_len: usize) -> Result<String, AppError> {
    let slug = slug.trim();
    if slug.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if slug.len() > max_len {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max_len} characters"),
        ));
    }
    let mut chars = slug.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts_with_letter
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(AppError::invalid(
            field,
            "use lowercase letters, digits, - and _, starting with a letter",
        ));
    }
    Ok(slug.to_string())
}

/// A search or filter term: control characters cannot be typed and would only reach the
/// database (PostgreSQL refuses a NUL outright), so they are refused here.
pub fn check_filter<'a>(field: &str, value: &'a str) -> Result<&'a str, AppError> {
    if value.chars().any(char::is_control) {
        return Err(AppError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_machine_names() {
        assert_eq!(check_slug("env", " qa-eu_1 ", 40), Ok("qa-eu_1".into()));
        for bad in ["", "QA", "1st", "has space", "ümlaut", "-x"] {
            assert!(check_slug("env", bad, 40).is_err(), "{bad:?}");
        }
        assert!(check_slug("env", &"a".repeat(41), 40).is_err());
    }

    #[test]
    fn text_is_bounded_and_keeps_newlines() {
        assert_eq!(check_text("d", " a\nb ", 10), Ok("a\nb".into()));
        assert!(check_text("d", "a\u{7}", 10).is_err());
        assert!(check_text("d", &"x".repeat(11), 10).is_err());
    }
}
