//! The Content-Security-Policy: only our own origin, and inline scripts only with the
//! per-response nonce that Leptos puts on its hydration and streaming scripts.

pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script_src = match nonce {
        // `wasm-unsafe-eval` lets the page compile our WebAssembly and nothing else.
        Some(nonce) => format!("script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    [
        "default-src 'self'",
        &script_src,
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_down_everything_but_our_origin() {
        let csp = content_security_policy(Some("abc"));
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "'nonce-abc'",
        ] {
            assert!(csp.contains(directive), "{directive} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
