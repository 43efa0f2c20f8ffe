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
    let failed = RwSignal::new(false);
    let loading = RwSignal::new(false);
    load_on_change(key, base, html, Status { loading, failed });
    view! {
        <div class="prose" aria-busy=move || loading.get().to_string() inner_html=move || html.get()></div>
        <Show when=move || failed.get()>
            <p class="notice" role="alert">
                "This section could not be loaded. Check your connection and reload the page."
            </p>
        </Show>
    }
}

/// Where a fragment load stands.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
struct Status {
    loading: RwSignal<bool>,
    failed: RwSignal<bool>,
}

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
fn load_on_change(_: Signal<String>, _: BasePath, _: RwSignal<String>, _: Status) {}

/// Fetches the fragment whenever the key changes, except on the hydrating
/// first run, whose HTML the prerenderer already put in the page.
#[cfg(target_arch = "wasm32")]
fn load_on_change(key: Signal<String>, base: BasePath, html: RwSignal<String>, status: Status) {
    use leptos::task::spawn_local;

    let hydrating = Owner::current_shared_context().is_some_and(|sc| sc.during_hydration());
    let skip = StoredValue::new(hydrating);
    Effect::new(move |_| {
        let key = key.get();
        if skip.get_value() {
            skip.set_value(false);
            return;
        }
        status.loading.set(true);
        status.failed.set(false);
        let url = base.join(&format!("/fragments/{key}.html"));
        spawn_local(async move {
            let response = gloo_net::http::Request::get(&url).send().await;
            let text = match response {
                Ok(r) if r.ok() => r.text().await.ok(),
                _ => None,
            };
            match text {
                Some(text) => html.set(text),
                None => status.failed.set(true),
            }
            status.loading.set(false);
        });
    });
}
