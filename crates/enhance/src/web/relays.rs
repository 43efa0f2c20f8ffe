//! The relays table: the filter form narrows it (ports, TLS per port, HTTPS
//! API, EU region, free tier, user name, and "works from provider X"), the
//! column headers and the form's "Sort by" sort it. Each prerendered row
//! carries its keys in `data-` attributes and each provider option its open
//! ports in `data-open`; the handler asks `port25_core::kb::compare::arrange`
//! for the order and moves the rows. The table is complete without this;
//! the form is `hidden` until this shows it. `?from=<provider id>` in the
//! page's URL preselects the provider.

use std::cell::Cell;

use port25_core::kb::compare::{arrange, parse_ports, RelayFilter, RelayKeys};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement};

use super::{
    element,
    table::{body_rows, show, toggle_sort},
};
use crate::{RELAYS_COUNT, RELAYS_FILTERS, RELAYS_FROM_PARAM, RELAYS_TABLE};

thread_local! {
    /// The sort column and direction.
    static SORT: Cell<(usize, bool)> = const { Cell::new((0, true)) };
}

pub(crate) fn install() {
    let (Some(form), Some(table)) = (element(RELAYS_FILTERS), element(RELAYS_TABLE)) else {
        return;
    };
    let _ = form.remove_attribute("hidden");
    super::listen(&form, &["input", "change", "submit"], on_filter);
    super::listen(&table, &["click"], on_sort);
    let from = web_sys::UrlSearchParams::new_with_str(
        &super::window().location().search().unwrap_or_default(),
    )
    .ok()
    .and_then(|q| q.get(RELAYS_FROM_PARAM));
    if let (Some(from), Some(select)) = (from, select("relay-provider")) {
        select.set_value(&from);
        update();
    }
}

fn on_filter(ev: Event) {
    if ev.type_() == "submit" {
        ev.prevent_default();
    }
    if super::target(&ev).is_some_and(|t| t.id() == "relay-sort") {
        let column = select("relay-sort")
            .and_then(|s| s.value().parse().ok())
            .unwrap_or(0);
        SORT.with(|sort| sort.set((column, true)));
    }
    update();
}

fn on_sort(ev: Event) {
    let Some(column) = SORT.with(|sort| toggle_sort(&ev, sort)) else {
        return;
    };
    if let Some(s) = select("relay-sort") {
        s.set_value(&column.to_string());
    }
    update();
}

fn select(id: &str) -> Option<HtmlSelectElement> {
    element(id)?.dyn_into().ok()
}

fn input(id: &str) -> Option<HtmlInputElement> {
    element(id)?.dyn_into().ok()
}

fn value(id: &str) -> String {
    select(id).map(|s| s.value()).unwrap_or_default()
}

/// The chosen provider's name and open ports, if one is chosen.
fn provider() -> Option<(String, Vec<u16>)> {
    let s = select("relay-provider")?;
    if s.value().is_empty() {
        return None;
    }
    let option = s.selected_options().item(0)?;
    let ports = parse_ports(&option.get_attribute("data-open").unwrap_or_default());
    Some((option.text_content().unwrap_or_default(), ports))
}

/// Applies the filter and sort to the table and updates the count.
fn update() {
    let provider = provider();
    let filter = RelayFilter {
        text: input("relay-text").map(|i| i.value()).unwrap_or_default(),
        port: value("relay-port").parse().ok(),
        tls: value("relay-tls"),
        https_api: input("relay-https").is_some_and(|i| i.checked()),
        eu_region: input("relay-eu").is_some_and(|i| i.checked()),
        free: value("relay-free"),
        username: value("relay-username"),
        open_ports: provider.as_ref().map(|(_, ports)| ports.clone()),
    };
    let sort = SORT.with(Cell::get);
    let Some(root) = element(RELAYS_TABLE) else {
        return;
    };
    let Some((body, rows)) = body_rows(&root) else {
        return;
    };
    let attr = |el: &Element, name: &str| el.get_attribute(name).unwrap_or_default();
    let keys: Vec<RelayKeys> = rows
        .iter()
        .map(|el| RelayKeys {
            name: attr(el, "data-name"),
            ports: attr(el, "data-ports"),
            https: attr(el, "data-https"),
            eu: attr(el, "data-eu"),
            free: attr(el, "data-free"),
            username: attr(el, "data-username"),
            sort: attr(el, "data-sort"),
        })
        .collect();
    let shown = arrange(&keys, &filter, sort.0, sort.1);
    show(&root, &body, &rows, &shown, sort);
    if let Some(count) = element(RELAYS_COUNT) {
        let mut text = format!("Showing {} of {} relays", shown.len(), rows.len());
        if let Some((name, ports)) = provider {
            let ports = match ports.as_slice() {
                [] => "no port known to be open".to_owned(),
                list => {
                    let list: Vec<String> = list.iter().map(u16::to_string).collect();
                    format!("open there: {}", list.join(", "))
                }
            };
            text.push_str(&format!(" that work from {name} ({ports})"));
        }
        count.set_text_content(Some(&text));
    }
}
