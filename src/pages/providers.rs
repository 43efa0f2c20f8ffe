//! The providers comparison and the per-provider pages.
//!
//! The table is prerendered HTML (`crate::content`), complete without
//! JavaScript, and never part of the wasm bundle. Once hydrated, the column
//! headers sort it and the filters narrow it: a handler reads each row's
//! `data-` attributes, asks `port25_core::kb::table::arrange` for the order
//! and moves the rows.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use port25_core::{
    kb::{table::Filter, Labelled, Port25Policy, ProviderCategory, UnblockRoute},
    site::{BasePath, Page},
};

use crate::components::{
    links::page_href,
    page_meta::{DynMeta, PageMeta},
    prose::Prose,
};
use crate::data::PROVIDERS;

/// A `<select>` over a labelled enum's values, with "All" first.
#[component]
fn EnumFilter(
    /// The control's label.
    label: &'static str,
    /// The element id.
    id: &'static str,
    /// `(key, label)` of each value.
    values: Vec<(&'static str, &'static str)>,
    /// Called with the chosen key, empty for all.
    on_pick: Callback<String>,
) -> impl IntoView {
    let options = values
        .into_iter()
        .map(|(key, label)| view! { <option value=key>{label}</option> })
        .collect_view();
    view! {
        <label for=id>{label}</label>
        <select id=id on:change=move |ev| on_pick.run(event_target_value(&ev))>
            <option value="">"All"</option>
            {options}
        </select>
    }
}

fn choices<T: Labelled>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|v| (v.key(), v.label())).collect()
}

/// The providers comparison page.
#[component]
pub(crate) fn Providers() -> impl IntoView {
    let filter = RwSignal::new(Filter::default());
    let sort = RwSignal::new((0usize, true));
    let shown = RwSignal::new(PROVIDERS.len());
    let base = use_context::<BasePath>().unwrap_or_default();
    let data_href = move |ext: &str| base.join(&format!("/data/providers.{ext}"));
    let table = NodeRef::<leptos::html::Div>::new();

    Effect::new(move |previous: Option<()>| {
        let (filter, (column, ascending)) = (filter.get(), sort.get());
        // The prerendered table is already in its default state.
        if previous.is_some() {
            if let Some(count) = dom::arrange(table, &filter, column, ascending) {
                shown.set(count);
            }
        }
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(column) = dom::clicked_column(&ev) {
            sort.update(|(c, ascending)| {
                *ascending = if *c == column { !*ascending } else { true };
                *c = column;
            });
        }
    };

    view! {
        <PageMeta page=Page::Providers />
        <h1>{Page::Providers.title()}</h1>
        <p class="lede">
            "Who blocks outbound SMTP port 25 by default, whether the submission ports "
            "465, 587 and 2525 get through, and how to have the block lifted. Each cell "
            "links to the source it rests on; low-confidence rows rest on a single "
            "secondary source."
        </p>
        <p class="downloads">
            "Download this table: "
            <a href=data_href("json") download="providers.json">"JSON"</a>" · "
            <a href=data_href("csv") download="providers.csv">"CSV"</a>
            " ("<a href=page_href(Page::About)>"about the data"</a>")"
        </p>
        <form class="filters" role="search" aria-label="Filter providers" on:submit=|ev| ev.prevent_default()>
            <div>
                <label for="filter-text">"Name"</label>
                <input
                    id="filter-text"
                    type="search"
                    placeholder="e.g. Hetzner"
                    on:input=move |ev| filter.update(|f| f.text = event_target_value(&ev))
                />
            </div>
            <div>
                <EnumFilter label="Category" id="filter-category" values={choices::<ProviderCategory>()}
                    on_pick=Callback::new(move |v| filter.update(|f| f.category = v)) />
            </div>
            <div>
                <EnumFilter label="Port 25" id="filter-policy" values={choices::<Port25Policy>()}
                    on_pick=Callback::new(move |v| filter.update(|f| f.policy = v)) />
            </div>
            <div>
                <EnumFilter label="Unblock" id="filter-unblock" values={choices::<UnblockRoute>()}
                    on_pick=Callback::new(move |v| filter.update(|f| f.unblock = v)) />
            </div>
        </form>
        <p class="count" role="status" aria-live="polite">
            {move || format!("Showing {} of {} providers", shown.get(), PROVIDERS.len())}
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Providers table" node_ref=table on:click=on_click>
            <Prose key="providers-table".to_owned() />
        </div>
        <p>
            "What the port numbers mean: "<a href=page_href(Page::Ports)>"the ports explainer"</a>". "
            "Not sure it is the provider? "<a href=page_href(Page::Diagnose)>"Diagnose it"</a>"."
        </p>
    }
}

/// Reading and moving the prerendered table's rows.
#[cfg(target_arch = "wasm32")]
mod dom {
    use leptos::{prelude::*, wasm_bindgen::JsCast, web_sys};
    use port25_core::kb::table::{arrange as order, Filter, RowKeys};

    /// The column of the sort button a click landed on, if any.
    pub(super) fn clicked_column(ev: &leptos::ev::MouseEvent) -> Option<usize> {
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let button = target.closest("button.sort").ok()??;
        button.get_attribute("data-column")?.parse().ok()
    }

    /// Applies the filter and sort to the table; returns how many rows show.
    pub(super) fn arrange(
        table: NodeRef<leptos::html::Div>,
        filter: &Filter,
        column: usize,
        ascending: bool,
    ) -> Option<usize> {
        let root = table.get_untracked()?;
        let body = root.query_selector("tbody").ok()??;
        let list = body.query_selector_all("tr").ok()?;
        let rows: Vec<web_sys::Element> = (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
            .collect();
        let attr = |el: &web_sys::Element, name: &str| el.get_attribute(name).unwrap_or_default();
        let keys: Vec<RowKeys> = rows
            .iter()
            .map(|el| RowKeys {
                name: attr(el, "data-name"),
                category: attr(el, "data-category"),
                policy: attr(el, "data-policy"),
                unblock: attr(el, "data-unblock"),
                sort: attr(el, "data-sort"),
            })
            .collect();
        let shown = order(&keys, filter, column, ascending);
        for row in &rows {
            let _ = row.set_attribute("hidden", "");
        }
        for &i in &shown {
            let _ = rows[i].remove_attribute("hidden");
            let _ = body.append_child(&rows[i]);
        }
        let headers = root.query_selector_all("thead th").ok()?;
        for i in 0..headers.length() {
            if let Some(th) = headers
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let state = match (i as usize == column, ascending) {
                    (false, _) => "none",
                    (true, true) => "ascending",
                    (true, false) => "descending",
                };
                let _ = th.set_attribute("aria-sort", state);
            }
        }
        Some(shown.len())
    }
}

/// The server renders the table in its default order; nothing to move.
#[cfg(not(target_arch = "wasm32"))]
mod dom {
    use leptos::prelude::*;
    use port25_core::kb::table::Filter;

    pub(super) fn clicked_column(_: &leptos::ev::MouseEvent) -> Option<usize> {
        None
    }

    pub(super) fn arrange(
        _: NodeRef<leptos::html::Div>,
        _: &Filter,
        _: usize,
        _: bool,
    ) -> Option<usize> {
        None
    }
}

/// One provider's page: `/providers/<id>`.
#[component]
pub(crate) fn ProviderPage() -> impl IntoView {
    let params = use_params_map();
    let row = Memo::new(move |_| {
        let id = params.read().get("id").unwrap_or_default();
        PROVIDERS.iter().find(|r| r.id == id)
    });
    let title = Signal::derive(move || {
        row.get()
            .map(|r| format!("{}: outbound port 25", r.name))
            .unwrap_or_else(|| Page::NotFound.title().to_owned())
    });
    let description = Signal::derive(move || {
        row.get()
            .map(|r| format!("Does {} block outbound port 25, and how do you get it unblocked? Sourced and dated.", r.name))
            .unwrap_or_default()
    });
    let key = Signal::derive(move || {
        row.get()
            .map(|r| format!("provider/{}", r.id))
            .unwrap_or_default()
    });
    view! {
        <DynMeta title description />
        <p class="breadcrumb"><a href=page_href(Page::Providers)>"Providers"</a>" /"</p>
        <h1>{move || row.get().map(|r| r.name).unwrap_or("Unknown provider")}</h1>
        <Show when=move || row.get().is_some() fallback=|| view! { <p>"There is no provider with this id."</p> }>
            <Prose key />
        </Show>
    }
}
