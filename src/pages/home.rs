//! The landing page, answer first: "Who hosts your server?" with every
//! provider as a link to its answer (a picker narrows the list once the
//! page's script runs; without it the list is plain links), then the ways
//! forward.

use leptos::prelude::*;
use port25_core::{
    kb::Labelled,
    site::{Page, Route},
};
use port25_enhance::{PICKER_COUNT, PICKER_FIELD, PICKER_INPUT, PICKER_LIST};

use crate::{content::badge, data::PROVIDERS, href};

/// The providers as links, by name, each with its port 25 policy.
fn provider_links() -> impl IntoView {
    let mut rows: Vec<_> = PROVIDERS.iter().collect();
    rows.sort_by_key(|p| p.name.to_lowercase());
    rows.into_iter()
        .map(|p| {
            view! {
                <li data-name=format!("{} {}", p.name, p.id)>
                    <a href=href(Route::Provider(p.id))>{p.name}</a>
                    <span class="pl-status"><span class="visually-hidden">"Port 25: "</span>{badge(p.policy.badge(), p.policy.label())}</span>
                </li>
            }
        })
        .collect_view()
}

/// The landing page.
#[component]
pub(crate) fn Home() -> impl IntoView {
    let total = PROVIDERS.len();
    view! {
        <h1>"Port 25 blocked? Your mail can still go out."</h1>
        <p class="lede">
            "Find your provider for the answer: what it blocks, how to get it lifted, "
            "and a relay that works from there."
        </p>
        <section class="card picker" aria-labelledby="who-hosts">
            <h2 id="who-hosts">"Who hosts your server?"</h2>
            // Hidden without JavaScript (the list below is the same choice as
            // links), but holding its place so showing it moves nothing.
            <div class="picker-field" id=PICKER_FIELD hidden=true>
                <label for=PICKER_INPUT>"Provider name"</label>
                <input
                    id=PICKER_INPUT
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="e.g. Hetzner, AWS, Comcast"
                    aria-controls=PICKER_LIST
                    aria-describedby=PICKER_COUNT
                />
                <p id=PICKER_COUNT class="count" role="status" aria-live="polite">{format!("{total} providers")}</p>
            </div>
            <p class="pl-head">"Every provider, with what it does to outbound port 25:"</p>
            <ul class="provider-list" id=PICKER_LIST aria-label="Providers">{provider_links()}</ul>
            <p class="picker-more">
                "Not listed, or not sure the provider is the cause? "
                <a href=href(Route::Page(Page::Diagnose))>"Diagnose it step by step"</a>"."
            </p>
        </section>
        <h2>"Why mail stops at port 25"</h2>
        <p>
            "Mail servers hand mail to each other on TCP port 25. Many cloud hosts, "
            "VPS providers and home ISPs block outbound connections to that port to "
            "stop spam from compromised machines, so a server that works perfectly "
            "sits with its queue full of deferred mail and connection timeouts. "
            "Your mail can still go out: through a relay on port 587, 465 or 2525, "
            "or once the provider lifts the block."
        </p>
        <h2>"Other ways in"</h2>
        <ul class="start-grid">
            <li>
                <a href=href(Route::Page(Page::Diagnose))>"Diagnose"</a>
                <span>"Find out whether port 25 is blocked, and by whom."</span>
            </li>
            <li>
                <a href=href(Route::Page(Page::Egress))>"Egress test"</a>
                <span>"Measure which of 25, 465, 587 and 2525 your own server can reach."</span>
            </li>
            <li>
                <a href=href(Route::Page(Page::Providers))>"Providers"</a>
                <span>"Compare who blocks port 25 and how to get unblocked."</span>
            </li>
            <li>
                <a href=href(Route::Page(Page::Relays))>"Relays"</a>
                <span>"Services that accept your mail on ports 587, 465 or 2525."</span>
            </li>
            <li>
                <a href=href(Route::Page(Page::Generator))>"Generator"</a>
                <span>"A complete relay configuration for Postfix, Exim, OpenSMTPD or msmtp."</span>
            </li>
            <li>
                <a href=href(Route::Page(Page::Tester))>"Tester"</a>
                <span>"Check a mail server's greeting, STARTTLS and certificate."</span>
            </li>
        </ul>
    }
}
