//! Any `Authorization` header value: the bearer credential is cut out and its format
//! checked without a panic, and whatever passes has the documented shape.
#![no_main]

use app::domain::tokens::format::{PREFIX, TOKEN_LEN, check, hash, visible_prefix};
use libfuzzer_sys::fuzz_target;
use persona_console::runtime::extract::bearer_credential;

fuzz_target!(|header: &[u8]| {
    let Some(raw) = bearer_credential(header) else {
        return;
    };
    if check(raw).is_ok() {
        assert_eq!(raw.len(), TOKEN_LEN);
        assert!(raw.starts_with(PREFIX));
        assert!(raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    }
    assert_eq!(hash(raw).len(), 64);
    assert!(visible_prefix(raw).chars().count() <= 10);
});
