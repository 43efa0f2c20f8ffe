//! About the project and where its facts come from.

use leptos::prelude::*;
use port25_core::site::Page;

use crate::components::page_meta::PageMeta;

/// The about page.
#[component]
pub(crate) fn About() -> impl IntoView {
    view! {
        <PageMeta page=Page::About />
        <h1>"About Port25"</h1>
        <p>
            "Port25 is a small, independent site for one problem: a server whose "
            "outbound mail does not leave because port 25 is blocked. It is a static "
            "site; the only part that talks to mail servers is a small probe service "
            "you can also run yourself."
        </p>
        <h2>"Sources"</h2>
        <p>
            "Every fact about a provider links to the provider's own documentation "
            "where one exists, with the date it was last checked. Where secondary "
            "sources and official documents disagree, the site shows the official one."
        </p>
    }
}
