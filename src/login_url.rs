//! The one place that builds `/login?…` addresses: where sign-in outcomes and pages that
//! need a session send people, and the check that `next` stays on this site.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but unreserved characters is escaped; `/` is kept so paths stay readable.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// `/login?k=v&…`; a `next` of `/` is left out (it is the default).
pub fn login_url(params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(key, value)| !(*key == "next" && *value == "/"))
        .map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, QUERY_VALUE)))
        .collect();
    if query.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?{}", query.join("&"))
    }
}

/// Only a path on this site: never `//evil.example` or `https://…` (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next("/spaces"), "/spaces");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "",
            "evil",
            "/\\evil.example",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }

    #[test]
    fn values_are_escaped_and_the_default_next_left_out() {
        assert_eq!(
            login_url(&[("status", "session_ended"), ("next", "/spaces?x=1&y=2#z")]),
            "/login?status=session_ended&next=/spaces%3Fx%3D1%26y%3D2%23z"
        );
        assert_eq!(
            login_url(&[("error", "invalid_email"), ("next", "/")]),
            "/login?error=invalid_email"
        );
        assert_eq!(login_url(&[]), "/login");
    }
}
