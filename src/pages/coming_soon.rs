//! Pages whose content arrives with later work. Each states plainly what it
//! will hold; none pretends to work.

use leptos::prelude::*;
use port25_core::site::Page;

use crate::components::page_meta::PageMeta;

/// A page's heading, its one-line purpose and an honest "coming soon".
#[component]
pub(crate) fn Pending(
    /// The page being shown.
    page: Page,
    /// What the page will offer, in one sentence.
    purpose: &'static str,
) -> impl IntoView {
    view! {
        <PageMeta page />
        <h1>{page.title()}</h1>
        <p class="lede">{purpose}</p>
        <p class="notice" role="status">
            <strong>"Coming soon: "</strong>
            "this page is not written yet."
        </p>
    }
}

/// The relay configuration generator.
#[component]
pub(crate) fn Generator() -> impl IntoView {
    view! { <Pending page=Page::Generator purpose="Complete relay configuration for Postfix, Exim, OpenSMTPD and msmtp." /> }
}
