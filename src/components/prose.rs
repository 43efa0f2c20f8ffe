//! A block of prose rendered at build time (see `crate::content`).
//!
//! Natively the fragment's HTML is rendered into the page. In the browser the
//! hydrating app keeps the prerendered HTML as it is (tachys leaves
//! `inner_html` alone when hydrating), and when the visitor navigates to
//! another such page client-side it fetches `fragments/<key>.html`, so the
//! prose never has to live in the wasm bundle.

use leptos::prelude::*;
use port25_core::site::BasePath;

/// The build-time HTML for `key`, e.g. `provider/aws-ec2` or `faq`.
#[component]
pub(crate) fn Prose(
    /// The fragment's key; may change while the component lives (the router
    /// reuses it between `/providers/a` and `/providers/b`).
    #[prop(into)]
    key: Signal<String>,
) -> impl IntoView {
    let base = use_context::<BasePath>().unwrap_or_default();
    let html = RwSignal::new(initial_html(&key.get_untracked(), &base));
    let loading = RwSignal::new(false);
    load_on_change(key, base, html, loading);
    view! {
        <div class="prose" aria-busy=move || loading.get().to_string() inner_html=move || html.get()></div>
    }
}

/// What the prose shows when its fragment cannot be fetched. Part of the
/// prose's HTML rather than a view of its own, which kept a `<Show>` (and
/// about a KiB of wasm) out of the bundle.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const FAILED_HTML: &str = "<p class=\"notice\" role=\"alert\">This section could not be loaded. \
    Check your connection and reload the page.</p>";

#[cfg(not(target_arch = "wasm32"))]
fn initial_html(key: &str, base: &BasePath) -> String {
    crate::content::fragment(key, base).unwrap_or_default()
}

/// In the browser the first render hydrates: the HTML is already in the page.
#[cfg(target_arch = "wasm32")]
fn initial_html(_key: &str, _base: &BasePath) -> String {
    String::new()
}

#[cfg(not(target_arch = "wasm32"))]
fn load_on_change(_: Signal<String>, _: BasePath, _: RwSignal<String>, _: RwSignal<bool>) {}

/// Fetches the fragment whenever the key changes, except on the hydrating
/// first run, whose HTML the prerenderer already put in the page.
#[cfg(target_arch = "wasm32")]
fn load_on_change(
    key: Signal<String>,
    base: BasePath,
    html: RwSignal<String>,
    loading: RwSignal<bool>,
) {
    use leptos::task::spawn_local;

    let hydrating = Owner::current_shared_context().is_some_and(|sc| sc.during_hydration());
    let skip = StoredValue::new(hydrating);
    Effect::new(move |_| {
        let key = key.get();
        if skip.get_value() {
            skip.set_value(false);
            return;
        }
        loading.set(true);
        let url = base.join(&format!("/fragments/{key}.html"));
        spawn_local(async move {
            match fetch_text(&url).await {
                Some(text) => {
                    html.set(text);
                    // The router scrolled to `#anchor` before the fragment
                    // holding it arrived; scroll once it is in the page.
                    request_animation_frame(scroll_to_hash);
                }
                None => html.set(FAILED_HTML.to_owned()),
            }
            loading.set(false);
        });
    });
}

/// The body of a successful GET of `url`; shared with the search box.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn fetch_text(url: &str) -> Option<String> {
    use leptos::wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    // The browser's fetch directly: an HTTP client crate costs every bundle
    // that shows the header (search fetches its index through here).
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

/// Scrolls the element the URL's `#anchor` names into view, if there is one.
#[cfg(target_arch = "wasm32")]
fn scroll_to_hash() {
    let hash = window().location().hash().unwrap_or_default();
    if let Some(el) = hash
        .strip_prefix('#')
        .and_then(|id| document().get_element_by_id(id))
    {
        el.scroll_into_view();
    }
}
