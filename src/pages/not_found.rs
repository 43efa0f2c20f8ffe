//! The page for any unknown path; prerendered as `404.html`.

use leptos::prelude::*;
use port25_core::site::{Page, Route};

use crate::href;

/// The 404 page.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>
            "There is no page at this address. Try the "
            <a href=href(Route::Page(Page::Home))>"home page"</a>
            " or the navigation above."
        </p>
    }
}
