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

/// The providers comparison.
#[component]
pub(crate) fn Providers() -> impl IntoView {
    view! { <Pending page=Page::Providers purpose="A sourced table of which hosting providers and ISPs block outbound port 25, and how to get unblocked." /> }
}

/// The relay services comparison.
#[component]
pub(crate) fn Relays() -> impl IntoView {
    view! { <Pending page=Page::Relays purpose="Relay services that accept your mail on ports 587, 465 or 2525, with their hosts and free tiers." /> }
}

/// The relay configuration generator.
#[component]
pub(crate) fn Generator() -> impl IntoView {
    view! { <Pending page=Page::Generator purpose="Complete relay configuration for Postfix, Exim, OpenSMTPD and msmtp." /> }
}

/// The connectivity tester.
#[component]
pub(crate) fn Tester() -> impl IntoView {
    view! { <Pending page=Page::Tester purpose="Live checks of a mail server's MX records, banner, EHLO, STARTTLS and certificate." /> }
}

/// The glossary.
#[component]
pub(crate) fn Glossary() -> impl IntoView {
    view! { <Pending page=Page::Glossary purpose="Plain explanations of the terms of mail delivery, from SMTP to DMARC." /> }
}

/// The FAQ.
#[component]
pub(crate) fn Faq() -> impl IntoView {
    view! { <Pending page=Page::Faq purpose="Answers to common questions about blocked port 25 and how to send mail anyway." /> }
}
