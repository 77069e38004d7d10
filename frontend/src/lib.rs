//! The browser entry point: hydrate the server-rendered console and nothing else.

// The console's view types nest deeply; hydrating them needs more than the default 128.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
