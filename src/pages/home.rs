//! The landing page: the problem in a paragraph and the ways forward.

use leptos::prelude::*;
use leptos_router::components::A;
use port25_core::site::Page;

use crate::components::links::page_href;

use crate::components::page_meta::PageMeta;

/// The landing page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    view! {
        <PageMeta page=Page::Home />
        <h1>"Port 25 blocked? Your mail can still go out."</h1>
        <p class="lede">
            "Mail servers hand mail to each other on TCP port 25. Many cloud hosts, "
            "VPS providers and home ISPs block outbound connections to that port to "
            "stop spam from compromised machines, so a server that works perfectly "
            "sits with its queue full of deferred mail and connection timeouts."
        </p>
        <h2>"Where to start"</h2>
        <ul class="cards">
            <li>
                <A href=page_href(Page::Diagnose)>"Diagnose"</A>
                " - find out whether port 25 is blocked, and by whom."
            </li>
            <li>
                <A href=page_href(Page::Providers)>"Providers"</A>
                " - who blocks port 25, and how to get unblocked."
            </li>
            <li>
                <A href=page_href(Page::Relays)>"Relays"</A>
                " - services that accept your mail on ports 587, 465 or 2525."
            </li>
            <li>
                <A href=page_href(Page::Generator)>"Generator"</A>
                " - a complete Postfix relay configuration."
            </li>
            <li>
                <A href=page_href(Page::Tester)>"Tester"</A>
                " - check a mail server's banner, STARTTLS and certificate."
            </li>
        </ul>
    }
}
