//! Stands in for the pages of other bundles.
//!
//! Each browser bundle holds the pages of its own [`Bundle`]
//! (`port25_core::site::Bundle`). When the router navigates to a page that
//! lives in another bundle (a link in prose, say), this component takes its
//! place and reloads the URL the router has just pushed: the prerendered page
//! comes back from the server with the bundle that can hydrate it. The header
//! marks its cross-bundle links `rel="external"`, so they skip the router and
//! load the page directly.
//!
//! It never renders during hydration: each page is served with its own
//! bundle. Should that ever break, the component says so instead of reloading
//! in a loop.

use leptos::prelude::*;

/// The placeholder for a page of another bundle.
#[component]
pub(crate) fn Elsewhere() -> impl IntoView {
    #[cfg(target_arch = "wasm32")]
    reload_once_pushed(
        leptos_router::hooks::use_location()
            .pathname
            .get_untracked(),
        0,
    );
    view! {
        <p class="notice" role="status">
            "Loading this page. If nothing happens, "
            <a href="" rel="external">"reload it"</a>
            "."
        </p>
    }
}

/// Reloads the page once the router has pushed the URL of the route it is
/// rendering (it renders first and pushes after). Gives up after a second,
/// and never reloads the URL the page was loaded from, so a page served with
/// the wrong bundle shows the notice instead of reloading in a loop.
#[cfg(target_arch = "wasm32")]
fn reload_once_pushed(route: String, attempt: u32) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let here = location.href().unwrap_or_default();
    if path.ends_with(route.as_str()) {
        if crate::loaded_url().is_some_and(|first| first != here) {
            let _ = location.reload();
        }
    } else if attempt < 100 {
        set_timeout(
            move || reload_once_pushed(route, attempt + 1),
            std::time::Duration::from_millis(10),
        );
    }
}
