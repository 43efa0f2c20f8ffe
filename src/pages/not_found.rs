//! The page for any unknown path; prerendered as `404.html`.

use leptos::prelude::*;
use leptos_router::components::A;
use port25_core::site::Page;

use crate::components::links::page_href;

use crate::components::page_meta::PageMeta;

/// The 404 page.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    view! {
        <PageMeta page=Page::NotFound />
        <h1>"Page not found"</h1>
        <p>
            "There is no page at this address. Try the "
            <A href=page_href(Page::Home)>"home page"</A>
            " or the navigation above."
        </p>
    }
}
