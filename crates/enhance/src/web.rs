//! The browser side of the enhancements: DOM access through web-sys, one
//! delegated listener per enhancement, state in thread-locals (a page has one
//! of each control).

pub(crate) mod copy;
pub(crate) mod picker;
pub(crate) mod relays;
pub(crate) mod search;
pub(crate) mod table;

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, Element, Event, Window};

pub(crate) fn window() -> Window {
    web_sys::window().expect("a browser window")
}

pub(crate) fn document() -> Document {
    window().document().expect("a document")
}

pub(crate) fn element(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

/// The element an event happened on, if it is one.
pub(crate) fn target(ev: &Event) -> Option<Element> {
    ev.target()?.dyn_into::<Element>().ok()
}

/// The closest ancestor of the event's target matching `selector`.
pub(crate) fn closest(ev: &Event, selector: &str) -> Option<Element> {
    target(ev)?.closest(selector).ok()?
}

/// Adds `handler` for each of `kinds` on `on`, for the page's lifetime.
pub(crate) fn listen(on: &web_sys::EventTarget, kinds: &[&str], handler: fn(Event)) {
    // `Fn`, not `FnMut`: handlers may re-enter (a click they trigger).
    let closure = Closure::<dyn Fn(Event)>::new(handler);
    for kind in kinds {
        let _ = on.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
    }
    // The controls live as long as the page, so the listeners do too.
    closure.forget();
}

/// Runs `f` after `ms` milliseconds.
pub(crate) fn later(ms: i32, f: impl FnOnce() + 'static) {
    let closure = Closure::once_into_js(f);
    let _ =
        window().set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), ms);
}

/// The body of a successful GET of `url`.
pub(crate) async fn fetch_text(url: &str) -> Option<String> {
    use wasm_bindgen_futures::JsFuture;

    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}
