//! The relay services table and the per-relay pages.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use port25_core::site::{BasePath, Page};

use crate::components::{
    links::page_href,
    page_meta::{DynMeta, PageMeta},
    prose::Prose,
};
use crate::data::RELAYS;

/// The relays comparison page.
#[component]
pub(crate) fn Relays() -> impl IntoView {
    let base = use_context::<BasePath>().unwrap_or_default();
    let data_href = |ext: &str| base.join(&format!("/data/relays.{ext}"));
    view! {
        <PageMeta page=Page::Relays />
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
            "Ready to configure one? The "<a href=page_href(Page::Generator)>"relay configuration generator"</a>
            " writes the Postfix settings for you."
        </p>
    }
}

/// One relay's page: `/relays/<id>`.
#[component]
pub(crate) fn RelayPage() -> impl IntoView {
    let params = use_params_map();
    let row = Memo::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        RELAYS.iter().find(|r| r.id == id)
    });
    let title = Signal::derive(move || {
        row.get()
            .map(|r| format!("{}: SMTP relay settings", r.name))
            .unwrap_or_else(|| Page::NotFound.title().to_owned())
    });
    let description = Signal::derive(move || {
        row.get()
            .map(|r| format!("{} SMTP relay: hosts, ports and TLS modes, credentials and free tier, with sources.", r.name))
            .unwrap_or_default()
    });
    let key = Signal::derive(move || {
        row.get()
            .map(|r| format!("relay/{}", r.id))
            .unwrap_or_default()
    });
    let generator = page_href(Page::Generator);
    // The generator is another bundle: the browser loads it, not the router.
    let generator_link = move || {
        row.get().map(|r| {
            view! {
                <p><a href=format!("{generator}?v=1&relay={}", r.id) rel="external">
                    {format!("Generate the configuration for {}", r.name)}
                </a></p>
            }
        })
    };
    view! {
        <DynMeta title description />
        <p class="breadcrumb"><a href=page_href(Page::Relays)>"Relays"</a>" /"</p>
        <h1>{move || row.get().map(|r| r.name).unwrap_or("Unknown relay")}</h1>
        <Show when=move || row.get().is_some() fallback=|| view! { <p>"There is no relay with this id."</p> }>
            {generator_link.clone()}
            <Prose key />
        </Show>
    }
}
