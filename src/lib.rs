//! The Port25 site: Leptos components for every page.
//!
//! Natively (Leptos `ssr`) [`prerender`] renders each route of
//! [`port25_core::site::Route`] into its own static HTML file: pages are
//! server components, navigation is plain links, and there is no router. In
//! the browser (Leptos `hydrate`) only the tools run, as islands: each tool
//! bundle (`src/bin/<tool>.rs`, selected by the cargo feature of the same
//! name) hydrates its `<leptos-island>` and nothing else. Content pages load
//! no Leptos at all (`crates/enhance`).
//!
//! Components stay thin: page data, validation and logic live in
//! `port25-core`.

// The #[component] and #[island] macros expand to `pub` props structs and
// functions that the lint cannot see through; visibility is checked by hand.
#![allow(unreachable_pub)]
// A browser build holds one tool (see `islands`) and leaves the data and
// helpers only the other tools or the prerenderer use.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

mod data;
mod islands;
#[cfg(any(not(target_arch = "wasm32"), feature = "reader"))]
pub mod reader;

#[cfg(not(target_arch = "wasm32"))]
pub mod content;
#[cfg(not(target_arch = "wasm32"))]
pub mod exports;
#[cfg(not(target_arch = "wasm32"))]
mod layout;
#[cfg(not(target_arch = "wasm32"))]
mod pages;
#[cfg(not(target_arch = "wasm32"))]
pub mod prerender;

use port25_core::site::BasePath;

thread_local! {
    /// The base path the site is served under: set by the prerenderer for
    /// each page, and in the browser by [`start`] from the page's loader.
    static BASE: std::cell::RefCell<BasePath> = std::cell::RefCell::default();
}

/// The base path the site is served under (`/port25` on a project site).
pub(crate) fn base() -> BasePath {
    BASE.with(|b| b.borrow().clone())
}

/// Sets [`base`].
pub(crate) fn set_base(base: BasePath) {
    BASE.with(|b| *b.borrow_mut() = base);
}

/// The href of a route: its path under the base path.
pub(crate) fn href(route: port25_core::site::Route<'_>) -> String {
    base().join(&route.path())
}

/// Starts a tool page in the browser: the base path, Leptos's islands
/// runtime and the enhancements a tool page has markup for. The page's loader then
/// hydrates each `<leptos-island>` through its export.
#[cfg(target_arch = "wasm32")]
pub fn start(base: &str) {
    console_error_panic_hook::set_once();
    // The loader passes the prerenderer's own base path; it always parses.
    set_base(BasePath::parse(base).unwrap_or_default());
    leptos::mount::hydrate_islands();
    port25_enhance::start_tool_page(base);
}
