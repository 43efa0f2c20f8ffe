//! The relays comparison and the per-relay pages.
//!
//! The table is prerendered HTML (`crate::content`), complete without
//! JavaScript. The filter form is `hidden` in the HTML; the page's
//! enhancement script (`port25_enhance`, no Leptos) shows it, and sorts and
//! filters the rows through `port25_core::kb::compare::arrange`.

use leptos::prelude::*;
use port25_core::{
    kb::{compare, FreeKind, Labelled, UsernameConvention},
    site::{Page, Route},
};
use port25_enhance::{RELAYS_COUNT, RELAYS_FILTERS, RELAYS_TABLE};

use super::Prose;
use crate::{data::RelayRow, href};

/// A `<select>` with "Any" first and the given (value, label) options.
#[component]
fn Choice(
    /// The control's label.
    label: &'static str,
    /// The element id.
    id: &'static str,
    /// The options: value and label.
    options: Vec<(String, String)>,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, text)| view! { <option value=value>{text}</option> })
        .collect_view();
    view! {
        <div>
            <label for=id>{label}</label>
            <select id=id>
                <option value="">"Any"</option>
                {options}
            </select>
        </div>
    }
}

/// The options of a labelled enum's values.
fn enum_options<T: Labelled>() -> Vec<(String, String)> {
    T::ALL
        .iter()
        .map(|v| (v.key().to_owned(), v.label().to_owned()))
        .collect()
}

/// The relays comparison page.
#[component]
pub(crate) fn Relays() -> impl IntoView {
    let kb = crate::content::kb();
    let data_href = |ext: &str| crate::base().join(&format!("/data/relays.{ext}"));
    let total = kb.relays.len();
    let mut ports: Vec<u16> = kb
        .relays
        .iter()
        .flat_map(|r| r.ports.iter().map(|p| p.port))
        .collect();
    ports.sort_unstable();
    ports.dedup();
    let ports = ports
        .into_iter()
        .map(|p| (p.to_string(), p.to_string()))
        .collect();
    let tls = compare::tls_options()
        .map(|(k, l)| (k.to_owned(), l.to_owned()))
        .collect();
    let mut providers: Vec<_> = kb.providers.iter().collect();
    providers.sort_by_key(|p| p.name.to_lowercase());
    // Each option carries the provider's open ports, computed in core, so the
    // browser needs no provider data.
    let providers = providers
        .into_iter()
        .map(|p| {
            let open = compare::format_ports(&compare::open_ports(p));
            view! { <option value=p.id.clone() data-open=open>{p.name.clone()}</option> }
        })
        .collect_view();
    let free = enum_options::<FreeKind>();
    let usernames = enum_options::<UsernameConvention>();
    let sorts = compare::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| view! { <option value=i.to_string()>{*c}</option> })
        .collect_view();
    view! {
        <h1>{Page::Relays.title()}</h1>
        <p class="lede">
            "When outbound port 25 is closed, send through a relay (smarthost) on a "
            "submission port instead, or over the relay's HTTPS API when every SMTP port is "
            "closed. Pick where you host to see the relays that work from there. Free tiers "
            "change often: check the date."
        </p>
        <p class="downloads">
            "Download this table: "
            <a href=data_href("json") download="relays.json">"JSON"</a>" · "
            <a href=data_href("csv") download="relays.csv">"CSV"</a>
            " ("<a href=href(Route::Page(Page::About))>"about the data"</a>")"
        </p>
        <form class="filters relay-filters" id=RELAYS_FILTERS role="search" aria-label="Filter relays" hidden=true>
            <div>
                <label for="relay-provider">"Works from"</label>
                <select id="relay-provider">
                    <option value="">"Any provider"</option>
                    {providers}
                </select>
            </div>
            <Choice label="Port" id="relay-port" options=ports />
            <Choice label="TLS on that port" id="relay-tls" options=tls />
            <Choice label="Free tier" id="relay-free" options=free />
            <Choice label="User name" id="relay-username" options=usernames />
            <div class="check">
                <input id="relay-https" type="checkbox" />
                <label for="relay-https">"Has an HTTPS API"</label>
            </div>
            <div class="check">
                <input id="relay-eu" type="checkbox" />
                <label for="relay-eu">"Has an EU region"</label>
            </div>
            <div>
                <label for="relay-text">"Name"</label>
                <input id="relay-text" type="search" placeholder="e.g. Mailgun" />
            </div>
            <div>
                <label for="relay-sort">"Sort by"</label>
                <select id="relay-sort">{sorts}</select>
            </div>
        </form>
        <p class="count" id=RELAYS_COUNT role="status" aria-live="polite">
            {format!("Showing {total} of {total} relays")}
        </p>
        <div class="table-scroll relays-wrap" id=RELAYS_TABLE role="region" aria-label="Relays table">
            <Prose key="relays-table".to_owned() />
        </div>
        <p>
            "\"Works from\" counts the ports 25, 465, 587 and 2525 that the provider's page "
            "shows as open; other ports (2587, 8025, 443...) are not known either way. "
            "\"Unknown\" means no source we could check says either way. "
            "Ready to configure one? The "<a href=href(Route::Page(Page::Generator))>"relay configuration generator"</a>
            " writes the Postfix settings for you."
        </p>
    }
}

/// One relay's page: `/relays/<id>`.
#[component]
pub(crate) fn RelayPage(
    /// The relay.
    row: &'static RelayRow,
) -> impl IntoView {
    view! {
        <p class="breadcrumb"><a href=href(Route::Page(Page::Relays))>"Relays"</a>" /"</p>
        <h1>{row.name}</h1>
        <Prose key=format!("relay/{}", row.id) />
    }
}
