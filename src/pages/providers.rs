//! The providers comparison and the per-provider pages.
//!
//! The table is prerendered HTML (`crate::content`), complete without
//! JavaScript. The filter form is `hidden` in the HTML; the page's
//! enhancement script (`port25_enhance`, no Leptos) shows it, and sorts and
//! filters the rows through `port25_core::kb::table::arrange`.

use leptos::prelude::*;
use port25_core::{
    kb::{Labelled, Port25Policy, ProviderCategory, UnblockRoute},
    site::{Page, Route},
};
use port25_enhance::{PROVIDERS_COUNT, PROVIDERS_FILTERS, PROVIDERS_TABLE};

use super::Prose;
use crate::{
    data::{ProviderRow, PROVIDERS},
    href,
};

/// A `<select>` over a labelled enum's values, with "All" first.
#[component]
fn EnumFilter<T: Labelled + 'static>(
    /// The control's label.
    label: &'static str,
    /// The element id.
    id: &'static str,
    /// The values.
    values: &'static [T],
) -> impl IntoView {
    let options = values
        .iter()
        .map(|v| view! { <option value=v.key()>{v.label()}</option> })
        .collect_view();
    view! {
        <div>
            <label for=id>{label}</label>
            <select id=id>
                <option value="">"All"</option>
                {options}
            </select>
        </div>
    }
}

/// The providers comparison page.
#[component]
pub(crate) fn Providers() -> impl IntoView {
    let data_href = |ext: &str| crate::base().join(&format!("/data/providers.{ext}"));
    let total = PROVIDERS.len();
    view! {
        <h1>{Page::Providers.title()}</h1>
        <p class="lede">
            "Who blocks outbound SMTP port 25 by default, whether the submission ports "
            "465, 587 and 2525 get through, and how to have the block lifted. Each "
            "provider's page opens with the answer and shows every fact with a quote "
            "from its source and the date it was checked; the port 25 cell links "
            "straight to its citation. "
            "Low confidence means the port 25 policy rests on a secondary source or none."
        </p>
        <p class="downloads">
            "Download this table: "
            <a href=data_href("json") download="providers.json">"JSON"</a>" · "
            <a href=data_href("csv") download="providers.csv">"CSV"</a>
            " ("<a href=href(Route::Page(Page::About))>"about the data"</a>")"
        </p>
        <form class="filters" id=PROVIDERS_FILTERS role="search" aria-label="Filter providers" hidden=true>
            <div>
                <label for="filter-text">"Name"</label>
                <input id="filter-text" type="search" placeholder="e.g. Hetzner" />
            </div>
            <EnumFilter label="Category" id="filter-category" values=ProviderCategory::ALL />
            <EnumFilter label="Port 25" id="filter-policy" values=Port25Policy::ALL />
            <EnumFilter label="Unblock" id="filter-unblock" values=UnblockRoute::ALL />
        </form>
        <p class="count" id=PROVIDERS_COUNT role="status" aria-live="polite">
            {format!("Showing {total} of {total} providers")}
        </p>
        <div class="table-scroll" id=PROVIDERS_TABLE tabindex="0" role="region" aria-label="Providers table">
            <Prose key="providers-table".to_owned() />
        </div>
        <p>
            "What the port numbers mean: "<a href=href(Route::Page(Page::Ports))>"the ports explainer"</a>". "
            "Not sure it is the provider? "<a href=href(Route::Page(Page::Diagnose))>"Diagnose it"</a>"."
        </p>
    }
}

/// One provider's page: `/providers/<id>`.
#[component]
pub(crate) fn ProviderPage(
    /// The provider.
    row: &'static ProviderRow,
) -> impl IntoView {
    view! {
        <p class="breadcrumb"><a href=href(Route::Page(Page::Providers))>"Providers"</a>" /"</p>
        <h1>{row.name}</h1>
        <Prose key=format!("provider/{}", row.id) />
    }
}
