//! The Port25 site: Leptos components for every page, prerendered to static
//! HTML natively and hydrated in the browser.
//!
//! Components stay thin: page data, validation and logic live in
//! `port25-core`. The same code runs twice. Natively, with Leptos's `ssr`
//! feature, [`prerender`] renders each route of [`port25_core::site::Page`] into
//! its own HTML file under `dist/`. In the browser, with the `hydrate` feature,
//! [`hydrate`] attaches to that HTML and the router takes over navigation.

// The #[component] macro expands to `pub` props structs and functions that the
// lint cannot see through; visibility is checked by hand in this crate.
#![allow(unreachable_pub)]
// A browser build is one bundle (see `Cargo.toml` [features] and
// `port25_core::site::Bundle`) and leaves the other bundles' pages and the
// components only they use unused.
#![cfg_attr(
    all(
        target_arch = "wasm32",
        not(all(
            feature = "site",
            feature = "diagnose",
            feature = "generator",
            feature = "tester"
        ))
    ),
    allow(dead_code, unused_imports)
)]

mod app;
mod components;
mod data;
mod pages;

pub use app::App;

#[cfg(not(target_arch = "wasm32"))]
pub mod content;
#[cfg(not(target_arch = "wasm32"))]
pub mod exports;
#[cfg(not(target_arch = "wasm32"))]
pub mod prerender;

/// The name of the `<meta>` tag that carries the base path (`/port25/`)
/// from the prerenderer to the hydrating app.
pub const BASE_META: &str = "port25-base";

/// The URL the page was loaded from, before any client-side navigation.
#[cfg(target_arch = "wasm32")]
static LOADED_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The URL the page was loaded from (see [`components::elsewhere`]).
#[cfg(target_arch = "wasm32")]
pub(crate) fn loaded_url() -> Option<&'static str> {
    LOADED_URL.get().map(String::as_str)
}

/// Hydrates the prerendered page in the browser.
///
/// The base path comes from the [`BASE_META`] tag the prerenderer writes from
/// Trunk's `--public-url`, so the browser and the prerenderer always agree.
#[cfg(target_arch = "wasm32")]
pub fn hydrate() {
    use leptos::prelude::*;
    use port25_core::site::BasePath;

    console_error_panic_hook::set_once();
    let href = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("meta[name=\"{BASE_META}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default();
    // A malformed base would have failed the prerender already; fall back to
    // the root rather than refusing to start.
    let base = BasePath::parse(&href).unwrap_or_default();
    if let Some(url) = web_sys::window().and_then(|w| w.location().href().ok()) {
        let _ = LOADED_URL.set(url);
    }
    leptos::mount::hydrate_body(move || view! { <App base /> });
    // Tests and scripts wait for this mark before interacting.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
