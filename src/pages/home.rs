//! The landing page: the problem in a paragraph and the ways forward.

use leptos::prelude::*;
use port25_core::site::{Page, Route};

use crate::href;

/// The landing page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    view! {
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
                <a href=href(Route::Page(Page::Diagnose))>"Diagnose"</a>
                " - find out whether port 25 is blocked, and by whom."
            </li>
            <li>
                <a href=href(Route::Page(Page::Providers))>"Providers"</a>
                " - who blocks port 25, and how to get unblocked."
            </li>
            <li>
                <a href=href(Route::Page(Page::Relays))>"Relays"</a>
                " - services that accept your mail on ports 587, 465 or 2525."
            </li>
            <li>
                <a href=href(Route::Page(Page::Generator))>"Generator"</a>
                " - a complete Postfix relay configuration."
            </li>
            <li>
                <a href=href(Route::Page(Page::Tester))>"Tester"</a>
                " - check a mail server's banner, STARTTLS and certificate."
            </li>
        </ul>
    }
}
