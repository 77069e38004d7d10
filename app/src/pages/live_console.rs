//! The console-wide live connection: an `EventSource` on `/live/console` that asks the
//! shell to refresh (the engaged-switch banner and the review count) whenever a switch
//! changes in a space this member reaches.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// In the browser, listens while the console is open; on the server, does nothing.
#[cfg(feature = "hydrate")]
pub fn listen(refresh: impl Fn() + Clone + 'static) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let current: StoredValue<Option<SendWrapper<web_sys::EventSource>>, LocalStorage> =
        StoredValue::new_local(None);
    Effect::new(move |_| {
        if current.with_value(Option::is_some) {
            return;
        }
        if let Ok(source) = web_sys::EventSource::new("/live/console") {
            let on_change = Closure::<dyn Fn()>::new(refresh.clone());
            let _ = source
                .add_event_listener_with_callback("switches", on_change.as_ref().unchecked_ref());
            // Lives as long as the console: the source is closed on cleanup.
            on_change.forget();
            current.set_value(Some(SendWrapper::new(source)));
        }
    });
    on_cleanup(move || {
        current.update_value(|open| {
            if let Some(source) = open.take() {
                source.close();
            }
        });
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn listen(_refresh: impl Fn() + Clone + 'static) {}
