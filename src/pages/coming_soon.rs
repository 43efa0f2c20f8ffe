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

/// The connectivity tester.
#[component]
pub(crate) fn Tester() -> impl IntoView {
    view! { <Pending page=Page::Tester purpose="Live checks of a mail server's MX records, banner, EHLO, STARTTLS and certificate." /> }
}
