//! Any `POST events` body: decoded or a named 400, and the batch checks (count, kind,
//! text, RFC 3339 time, keys) answer without a panic.
#![no_main]

use app::domain::runtime::events::check_batch;
use libfuzzer_sys::fuzz_target;
use persona_console::runtime::extract::decode;
use persona_console::runtime::schema::EventsRequest;
use time::macros::datetime;

fuzz_target!(|body: &[u8]| {
    match decode::<EventsRequest>(body) {
        Ok(wire) => {
            let events = wire.into_domain();
            if let Ok(checked) = check_batch(&events, datetime!(2026-11-29 08:00 UTC)) {
                assert_eq!(checked.len(), events.len());
            }
        }
        Err(e) => assert_eq!(e.status.as_u16(), 400),
    }
});
