//! The page's live connection: an `EventSource` on `/live/activity?space=…` that asks
//! for a refresh whenever the server writes new activity for the space on screen.

use leptos::prelude::*;

/// In the browser, listens while the page is open; on the server, does nothing.
#[cfg(feature = "hydrate")]
pub fn listen(space: RwSignal<Option<String>>, refresh: impl Fn() + Clone + 'static) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let current: StoredValue<Option<SendWrapper<web_sys::EventSource>>, LocalStorage> =
        StoredValue::new_local(None);
    let close = move || {
        current.update_value(|open| {
            if let Some(source) = open.take() {
                source.close();
            }
        });
    };
    Effect::new(move |previous: Option<Option<String>>| {
        let wanted = space.get();
        if previous.as_ref() == Some(&wanted) {
            return wanted;
        }
        close();
        if let Some(id) = wanted.as_deref() {
            let url = format!("/live/activity?space={id}");
            if let Ok(source) = web_sys::EventSource::new(&url) {
                let refresh = refresh.clone();
                let on_activity = Closure::<dyn Fn()>::new(refresh);
                let _ = source.add_event_listener_with_callback(
                    "activity",
                    on_activity.as_ref().unchecked_ref(),
                );
                // Lives as long as the page: the source is closed on cleanup.
                on_activity.forget();
                current.set_value(Some(SendWrapper::new(source)));
            }
        }
        wanted
    });
    on_cleanup(close);
}

#[cfg(not(feature = "hydrate"))]
pub fn listen(_space: RwSignal<Option<String>>, _refresh: impl Fn() + Clone + 'static) {}
