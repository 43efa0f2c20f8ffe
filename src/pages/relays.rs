//! The relay services table and the per-relay pages.

use leptos::prelude::*;
use port25_core::site::{Page, Route};

use super::Prose;
use crate::{data::RelayRow, href};

/// The relays comparison page.
#[component]
pub(crate) fn Relays() -> impl IntoView {
    let data_href = |ext: &str| crate::base().join(&format!("/data/relays.{ext}"));
    view! {
        <h1>{Page::Relays.title()}</h1>
        <p class="lede">
            "When outbound port 25 is closed, send through a relay (smarthost) on a "
            "submission port instead. These services accept authenticated mail on 587, "
            "465 or 2525. Free tiers change often: check the date."
        </p>
        <p class="downloads">
            "Download this table: "
            <a href=data_href("json") download="relays.json">"JSON"</a>" · "
            <a href=data_href("csv") download="relays.csv">"CSV"</a>
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Relays table">
            <Prose key="relays-table".to_owned() />
        </div>
        <p>
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
