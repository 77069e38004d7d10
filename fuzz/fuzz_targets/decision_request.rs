//! Any `POST decisions` body: it decodes into the contract's request or a 400 that names
//! a field, and the checks that need no policy answer without a panic.
#![no_main]

use app::domain::runtime::decisions::{DecisionRequest, check_request};
use libfuzzer_sys::fuzz_target;
use persona_console::runtime::extract::decode;
use persona_console::runtime::schema;

fuzz_target!(|body: &[u8]| {
    match decode::<schema::DecisionRequest>(body) {
        Ok(wire) => {
            let request = DecisionRequest::from(wire);
            let _ = check_request(&request);
        }
        Err(e) => {
            assert_eq!(e.status.as_u16(), 400);
            assert!(!e.message.is_empty());
        }
    }
});
