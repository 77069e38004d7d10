//! The span each request is traced in. Secrets travel in some paths (share links under
//! `/shared/evaluations/`, kill-switch trigger URLs under `/hooks/kill-switch/`), so the
//! span names the path with those segments cut to their prefix, and never the query.

use axum::http::Request;
use tracing::Span;

/// Path segments from these on are credentials: the segment after each is masked. The
/// domain owns both paths.
const SECRET_AFTER: [&str; 2] = [
    app::domain::evaluation::share::PATH,
    app::domain::killswitch::trigger::PATH,
];
/// How much of a secret a log line keeps: its kind (`evs_`, `kst_`) and no more.
const KEPT: usize = 4;

/// The path as logs may show it.
pub fn loggable_path(path: &str) -> String {
    for start in SECRET_AFTER {
        if let Some(rest) = path.strip_prefix(start) {
            let (secret, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let kept: String = secret.chars().take(KEPT).collect();
            let masked = if secret.chars().count() > KEPT {
                "…"
            } else {
                ""
            };
            return format!("{start}{kept}{masked}{tail}");
        }
    }
    path.to_string()
}

pub fn make_span<B>(req: &Request<B>) -> Span {
    tracing::debug_span!(
        "request",
        method = %req.method(),
        path = %loggable_path(req.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn secrets_in_paths_keep_only_their_kind() {
        assert_eq!(
            loggable_path("/shared/evaluations/evs_abcdefghijklmnop_xyz123/export"),
            "/shared/evaluations/evs_…/export"
        );
        assert_eq!(
            loggable_path("/hooks/kill-switch/kst_0123456789abcdef"),
            "/hooks/kill-switch/kst_…"
        );
        assert_eq!(
            loggable_path("/shared/evaluations/"),
            "/shared/evaluations/"
        );
    }

    #[test]
    fn other_paths_pass_unchanged() {
        assert_eq!(loggable_path("/personas/p1"), "/personas/p1");
        assert_eq!(
            loggable_path("/api/runtime/v1/policy"),
            "/api/runtime/v1/policy"
        );
    }
}
